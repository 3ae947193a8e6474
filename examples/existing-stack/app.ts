import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildExistingStackExample } from './stack';

const app = new App();
buildExistingStackExample(app);
addCompliancePacks(app);
app.synth();
