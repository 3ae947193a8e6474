import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildAuditExample } from './stack';

const app = new App();
buildAuditExample(app);
addCompliancePacks(app);
app.synth();
