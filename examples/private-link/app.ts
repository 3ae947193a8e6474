import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildPrivateLinkExample } from './stack';

const app = new App();
buildPrivateLinkExample(app);
addCompliancePacks(app);
app.synth();
