import { App, CfnOutput, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BedrockModel, PlatformKey } from '../../lib/core';
import { AlertTopic, HighRiskActivityAlerts } from '../../lib/governance';
import { IdleProvisionedThroughputAlarm, ProvisionedThroughput, ThroughputCommitment, ThroughputScaler } from '../../lib/throughput';

/**
 * Dedicated Bedrock capacity for one model (it bills by the hour: see the README's cost notes):
 * - a fixed no-commitment ProvisionedThroughput of 1 model unit, with an idle alarm;
 * - a ThroughputScaler pool of the same model between 1 and 4 model units, 2 in business hours,
 *   capped at 1,500 model-unit-hours a month, overflowing to the US cross-Region inference profile;
 * - high-risk alerts on the shared topic, where the scaler's own purchases and deletions arrive as
 *   information instead of alerts;
 * - an application role that may read the pool parameter and invoke the pool and the overflow.
 *
 * A client (Node.js, @aws-sdk/client-ssm and client-bedrock-runtime) reads the pool and overflows:
 *
 *   const pool = JSON.parse((await ssm.send(new GetParameterCommand({ Name: process.env.POOL_PARAMETER }))).Parameter!.Value!);
 *   const arns: string[] = pool.throughputArns; // in service now; spread the load across them
 *   const modelId = arns.length ? arns[Math.floor(Math.random() * arns.length)] : pool.overflow.modelId;
 *   try {
 *     return await runtime.send(new ConverseCommand({ modelId, messages }));
 *   } catch (e) {
 *     if (e.name !== 'ThrottlingException' || !pool.overflow) throw e;
 *     return await runtime.send(new ConverseCommand({ modelId: pool.overflow.modelId, messages })); // on-demand overflow
 *   }
 *
 * (cache the parameter for a minute, or subscribe to the "Bedrock Throughput Pool Changed" events).
 */
export function buildProvisionedThroughputExample(app: App): Stack {
  const stack = new Stack(app, 'BedrockProvisionedThroughput', {
    env: { account: '123456789012', region: 'us-east-1' },
    description: 'Bedrock provisioned throughput: a fixed throughput and a scaled no-commitment pool with overflow',
  });
  // The stack's default key: the provisioned throughput's provider uses it too, so one key serves all.
  const key = PlatformKey.of(stack);
  const alerts = new AlertTopic(stack, 'Alerts', { encryptionKey: key.key, alertEmails: ['ml-platform@example.com'] });
  const model = BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k');

  const fixed = new ProvisionedThroughput(stack, 'Fixed', { model, modelUnits: 1, commitment: ThroughputCommitment.NONE });
  new IdleProvisionedThroughputAlarm(stack, 'FixedIdle', { throughput: fixed, idleDays: 3, alertTopic: alerts });

  const pool = new ThroughputScaler(stack, 'Pool', {
    model,
    minModelUnits: 1,
    maxModelUnits: 4,
    scheduledFloors: [
      { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '8', weekDay: 'MON-FRI', timeZone: TimeZone.AMERICA_NEW_YORK }), modelUnits: 2 },
      { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '18', weekDay: 'MON-FRI', timeZone: TimeZone.AMERICA_NEW_YORK }), modelUnits: 0 },
    ],
    monthlyModelUnitHourCap: 1500,
    cooldown: Duration.minutes(30),
    overflow: BedrockModel.crossRegionProfile('us.amazon.nova-lite-v1:0'),
    encryptionKey: key.key,
  });

  const highRisk = new HighRiskActivityAlerts(stack, 'HighRiskAlerts', { alertTopic: alerts, encryptionKey: key.key });
  highRisk.exemptAutomation(pool.role.roleArn, [...HIGH_RISK_PROVISIONED_CALLS]);

  const application = new iam.Role(stack, 'Application', { assumedBy: new iam.AccountRootPrincipal(), description: 'Application that invokes the pool' });
  pool.grantReadPool(application);
  pool.grantInvoke(application);
  // The overflow model is granted like any model, e.g. with the platform's InvokerRole persona.
  for (const id of ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy']) {
    Validations.of(application).acknowledge({ id, reason: 'The example application role: the grants (read the pool parameter, invoke the pool) land in its default policy, one statement each.' });
  }

  new CfnOutput(stack, 'PoolParameterName', { value: pool.parameterName, description: 'SSM parameter with the in-service throughput ARNs and the overflow model' });
  return stack;
}

/** The calls the scaler makes that the high-risk alerts watch. */
const HIGH_RISK_PROVISIONED_CALLS = ['CreateProvisionedModelThroughput', 'DeleteProvisionedModelThroughput'] as const;
