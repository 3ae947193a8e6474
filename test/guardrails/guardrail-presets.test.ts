import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ContentFilterType, FilterStrength, GuardrailPolicies, GuardrailPresets, PiiEntityType, PolicyGuardrail } from '../../lib';
import { cdkJsonContext } from '../kit/synth';

// No compliance run here: the strict preset is part of policy-guardrail.test.ts's synthesis, which
// runs every engine. These synthesize with cdk.json's context (strict registry validation).
function guardrailProperties(policies: GuardrailPolicies): any {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Presets', { env: { account: '123456789012', region: 'eu-west-1' } });
  new PolicyGuardrail(stack, 'G', policies);
  const [guardrail] = Object.values(Template.fromStack(stack).findResources('AWS::Bedrock::Guardrail'));
  return guardrail.Properties;
}

const byType = (entries: any[]) => Object.fromEntries(entries.map((e) => [e.Type, e]));

describe('GuardrailPresets', () => {
  test('strict: every harmful category HIGH on text and images, prompt attack HIGH on prompts, profanity, secrets and IDs blocked', () => {
    const p = guardrailProperties(GuardrailPresets.strict());
    const filters = byType(p.ContentPolicyConfig.FiltersConfig);
    for (const type of ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT']) {
      expect(filters[type]).toMatchObject({ InputStrength: 'HIGH', OutputStrength: 'HIGH', InputModalities: ['TEXT', 'IMAGE'], OutputModalities: ['TEXT', 'IMAGE'] });
    }
    expect(filters.PROMPT_ATTACK).toMatchObject({ InputStrength: 'HIGH', OutputStrength: 'NONE' });
    expect(p.WordPolicyConfig.ManagedWordListsConfig.map((w: any) => w.Type)).toEqual(['PROFANITY']);
    const pii = byType(p.SensitiveInformationPolicyConfig.PiiEntitiesConfig);
    for (const type of ['AWS_SECRET_KEY', 'PASSWORD', 'CREDIT_DEBIT_CARD_NUMBER', 'US_SOCIAL_SECURITY_NUMBER']) {
      expect(pii[type]).toMatchObject({ InputAction: 'BLOCK', OutputAction: 'BLOCK' });
    }
    expect(pii.EMAIL).toBeUndefined();
  });

  test('balanced: MEDIUM on text, credentials blocked, e-mail and phone masked in responses only', () => {
    const p = guardrailProperties(GuardrailPresets.balanced());
    const filters = byType(p.ContentPolicyConfig.FiltersConfig);
    expect(filters.VIOLENCE).toMatchObject({ InputStrength: 'MEDIUM', OutputStrength: 'MEDIUM', InputModalities: ['TEXT'] });
    expect(filters.PROMPT_ATTACK).toMatchObject({ InputStrength: 'HIGH', OutputStrength: 'NONE' });
    const pii = byType(p.SensitiveInformationPolicyConfig.PiiEntitiesConfig);
    expect(pii.AWS_ACCESS_KEY).toMatchObject({ InputAction: 'BLOCK', OutputAction: 'BLOCK' });
    expect(pii.EMAIL).toMatchObject({ InputAction: 'NONE', OutputAction: 'ANONYMIZE' });
    expect(pii.PHONE).toMatchObject({ InputAction: 'NONE', OutputAction: 'ANONYMIZE' });
  });

  test('PII-redacting: every entity type masked both ways except credentials, which are blocked', () => {
    const p = guardrailProperties(GuardrailPresets.piiRedacting());
    const pii = p.SensitiveInformationPolicyConfig.PiiEntitiesConfig;
    expect(pii.map((e: any) => e.Type).sort()).toEqual(Object.values(PiiEntityType).sort());
    const blocked = pii.filter((e: any) => e.InputAction === 'BLOCK').map((e: any) => e.Type).sort();
    expect(blocked).toEqual(['AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'CREDIT_DEBIT_CARD_CVV', 'PASSWORD', 'PIN']);
    expect(pii.filter((e: any) => !blocked.includes(e.Type)).every((e: any) => e.InputAction === 'ANONYMIZE' && e.OutputAction === 'ANONYMIZE')).toBe(true);
    expect(p.ContentPolicyConfig.FiltersConfig.map((f: any) => f.Type)).toEqual(['PROMPT_ATTACK']);
  });

  test('each call returns fresh objects, and a preset can be extended or combined', () => {
    const first = GuardrailPresets.balanced();
    first.contentFilters!.pop();
    first.piiEntities!.length = 0;
    expect(GuardrailPresets.balanced().contentFilters).toHaveLength(6);
    expect(GuardrailPresets.balanced().piiEntities!.length).toBeGreaterThan(0);

    const combined = guardrailProperties({ ...GuardrailPresets.piiRedacting(), contentFilters: GuardrailPresets.balanced().contentFilters });
    expect(combined.ContentPolicyConfig.FiltersConfig).toHaveLength(6);
    expect(combined.SensitiveInformationPolicyConfig.PiiEntitiesConfig).toHaveLength(Object.values(PiiEntityType).length);

    const stack = new Stack(new App(), 'Extend');
    const g = new PolicyGuardrail(stack, 'G', GuardrailPresets.strict());
    expect(() => g.addContentFilter({ type: ContentFilterType.HATE, inputStrength: FilterStrength.LOW, outputStrength: FilterStrength.LOW })).toThrow(/already has content filter "HATE"/);
  });
});
