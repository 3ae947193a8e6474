import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildPublicPathExample } from './stack';

const app = new App();
buildPublicPathExample(app);
addCompliancePacks(app);
app.synth();
