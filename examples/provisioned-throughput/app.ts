import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildProvisionedThroughputExample } from './stack';

const app = new App();
buildProvisionedThroughputExample(app);
addCompliancePacks(app);
app.synth();
