import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildDirectConnectExample } from './stack';

const app = new App();
buildDirectConnectExample(app);
addCompliancePacks(app);
app.synth();
