import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../../lib/compliance';
import { buildLeastPrivilegeAccess } from './stack';

const app = new App();
const { enforcement } = buildLeastPrivilegeAccess(app);
addCompliancePacks(app);
app.synth();
// The same enforcement as a Service Control Policy, for the AWS Organizations administrators.
const scpFile = path.join(app.outdir, 'bedrock-platform-scp.json');
fs.writeFileSync(scpFile, `${enforcement.serviceControlPolicyJson()}\n`);
console.log(`Service Control Policy written to ${scpFile}`);
