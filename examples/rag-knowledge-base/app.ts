import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildRagKnowledgeBaseExample } from './stack';

const app = new App();
buildRagKnowledgeBaseExample(app);
addCompliancePacks(app); // cdk-nag packs + Control Tower rules: synth fails on any finding
app.synth();
