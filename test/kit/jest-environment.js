/**
 * Jest's node environment, plus one CloudFormation schema/rule engine per worker process.
 *
 * aws-cdk-lib validates every synthesized template against the CloudFormation registry schemas and
 * its built-in rules (CloudFormationValidatePlugin, a WebAssembly engine). Building that engine takes
 * ~2.5 s of CPU, and jest gives every test file a fresh module registry, so each file paid it again.
 * Here the plugin is created once per worker, outside the sandbox; test/kit/jest-setup.js installs it
 * as aws-cdk-lib's singleton in each file's registry. The checks are the same: the engine is built for
 * the union of resource types seen so far (rules only apply to resources of their own type).
 */
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

const PLUGIN_FILE = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'core', 'lib', 'validation', 'cloudformation-validate-plugin.js');

/** Types this library's templates use today: the engine starts with them (a new type costs one rebuild). */
const KNOWN_TYPES = [
  'AWS::Bedrock::Guardrail', 'AWS::Bedrock::GuardrailVersion', 'AWS::CDK::Metadata', 'AWS::CloudTrail::Trail', 'AWS::CloudWatch::Alarm',
  'AWS::DirectConnect::DirectConnectGateway', 'AWS::DirectConnect::DirectConnectGatewayAssociation', 'AWS::DirectConnect::PrivateVirtualInterface',
  'AWS::DirectConnect::TransitVirtualInterface', 'AWS::EC2::EIP', 'AWS::EC2::FlowLog', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway',
  'AWS::EC2::Route', 'AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::TransitGatewayVpcAttachment', 'AWS::EC2::VPC', 'AWS::EC2::VPCEndpoint',
  'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::VPNGateway', 'AWS::EC2::VPNGatewayRoutePropagation', 'AWS::Events::Rule', 'AWS::IAM::Group',
  'AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::KMS::Alias', 'AWS::KMS::Key',
  'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::Organizations::Policy',
  'AWS::Route53Resolver::ResolverEndpoint', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SNS::Subscription', 'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SSM::Parameter',
];

let shared;

function sharedValidatePlugin() {
  if (shared) return shared;
  const { CloudFormationValidatePlugin } = require(PLUGIN_FILE);
  const plugin = new CloudFormationValidatePlugin();
  const build = plugin.initializeEngine.bind(plugin);
  const seen = new Set(KNOWN_TYPES);
  // Same engine while the types asked for are ones it has; otherwise rebuild it for all types seen.
  plugin.initializeEngine = (types) => {
    for (const t of types) seen.add(t);
    return build(new Set(seen));
  };
  shared = plugin;
  return shared;
}

class PlatformTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    if (process.env.BSP_SHARED_CFN_ENGINE !== 'false') {
      this.global.__bspSharedCfnValidatePlugin = sharedValidatePlugin();
      this.global.__bspCfnValidatePluginFile = PLUGIN_FILE;
    }
  }
}

module.exports = PlatformTestEnvironment;
