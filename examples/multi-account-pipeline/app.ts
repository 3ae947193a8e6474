import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { MultiAccountPipelineStack } from './stack';

// CDK Pipelines: the baseline per account and Region, then the platform in the workload accounts.
const app = new App();
new MultiAccountPipelineStack(app, 'BedrockRolloutPipeline');
addCompliancePacks(app); // cdk-nag packs + Control Tower rules: synth fails on any finding (the pipeline's gate)
app.synth();
