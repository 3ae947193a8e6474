import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Construct id of aws-cdk-lib's stack-wide provider behind `restrictDefaultSecurityGroup`. */
const DEFAULT_SG_PROVIDER_ID = 'Custom::VpcRestrictDefaultSGCustomResourceProvider';

/**
 * A new VPC whose default security group has no rules (`restrictDefaultSecurityGroup`), with the
 * one exception that this needs recorded on the resource it concerns: aws-cdk-lib strips the rules
 * with a stack-wide custom-resource function that cannot run inside the VPC it configures.
 */
export function lockedDownVpc(scope: Construct, id: string, props: ec2.VpcProps): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, { ...props, restrictDefaultSecurityGroup: true });
  const provider = Stack.of(scope).node.tryFindChild(DEFAULT_SG_PROVIDER_ID);
  if (provider) {
    Validations.of(provider).acknowledge({
      id: 'ControlTower::lambda_inside_vpc_check',
      reason:
        'aws-cdk-lib\'s function that removes the rules of the new VPC\'s default security group runs once per deployment and calls only the EC2 API; ' +
        'aws-cdk-lib gives it no VPC setting, and in a private-path VPC (isolated subnets, no EC2 endpoint) it could not reach EC2 from inside anyway.',
    });
  }
  return vpc;
}
