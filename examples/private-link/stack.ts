import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockModel, modelInvocationResources, SupportEndpoint } from '../../lib/core';
import { BedrockFeature, BedrockPrivateLink } from '../../lib/network';

/**
 * Path 2: a VPC with no internet route at all. Applications reach Bedrock inference and
 * knowledge-base retrieval through two interface endpoints; nothing else of Bedrock (the control
 * plane included) is reachable from the VPC. The application's role may invoke models only
 * through the runtime endpoint (`aws:SourceVpce`), and the endpoint itself refuses every model
 * but the allowed text models.
 */
export function buildPrivateLinkExample(app: App): Stack[] {
  const stack = new Stack(app, 'BedrockPrivateLink', {
    env: { account: '123456789012', region: 'us-east-1' },
    description: 'Bedrock platform, path 2: applications -> VPC endpoint -> AWS network -> Bedrock API',
  });

  const link = new BedrockPrivateLink(stack, 'Network', {
    features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME],
    models: ['amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0'].map((id) => BedrockModel.parse(id)),
  });

  // The application's functions: the only clients the endpoints admit.
  const appGroup = new ec2.SecurityGroup(stack, 'ApplicationSecurityGroup', {
    vpc: link.vpc,
    description: 'Bedrock application functions',
    allowAllOutbound: false,
  });
  link.allowClients(appGroup);
  // What those functions call besides Bedrock, derived from what they are, not a blanket list.
  link.addSupportEndpointsFor({ requiredEndpoints: [SupportEndpoint.LOGS, SupportEndpoint.KMS, SupportEndpoint.S3] });

  // The application may invoke the allowed models, and only through this VPC's runtime endpoint.
  // Foundation models are invoked directly; with cross-Region profiles, use BedrockInvokerPolicy,
  // which also grants the routed models through the profile (`throughProfile`).
  const role = new iam.Role(stack, 'ApplicationRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Bedrock application: inference through the private runtime endpoint only',
  });
  new iam.ManagedPolicy(stack, 'InvokeThroughEndpointOnly', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: modelInvocationResources(stack, link.models).direct,
        conditions: { StringEquals: { 'aws:SourceVpce': link.endpointId(BedrockFeature.RUNTIME) } },
      }),
    ],
  });

  for (const feature of link.features) {
    new CfnOutput(stack, `${feature.replace(/-/g, '')}EndpointId`, { value: link.endpointId(feature), description: `Endpoint of ${feature}` });
  }
  new CfnOutput(stack, 'VpcId', { value: link.vpc.vpcId });
  return [stack];
}
