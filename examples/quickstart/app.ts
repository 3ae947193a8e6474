import { App, Stack } from 'aws-cdk-lib';
import { BedrockPlatform } from '../../lib';
import { addCompliancePacks } from '../../lib/compliance';

const app = new App();
const stack = new Stack(app, 'BedrockQuickstart', { env: { account: '123456789012', region: 'us-east-1' } });
new BedrockPlatform(stack, 'Platform', { alertEmails: ['security@example.com'] });
addCompliancePacks(app); // cdk-nag packs + Control Tower rules: synth fails on any finding
app.synth();
