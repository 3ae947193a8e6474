import {
  ContentFilter,
  ContentFilterType,
  FilterStrength,
  GuardrailModality,
  GuardrailPolicies,
  ManagedWordList,
  PiiEntity,
  PiiEntityType,
  SensitiveInformationAction,
} from './guardrail-policies';

/*
 * Named starting points. Each call returns fresh objects, so a caller may spread a preset into
 * PolicyGuardrailProps and change or add entries (or call the add* mutators) without touching
 * another guardrail's. They contain no denied topics: those are the application's to define.
 * Contextual grounding is left out too: it only applies to requests that carry a grounding source
 * (retrieval-augmented generation); add `contextualGrounding` for those.
 */

/** Credentials and payment secrets: blocked outright in both directions by every preset. */
const SECRETS: readonly PiiEntityType[] = [
  PiiEntityType.AWS_ACCESS_KEY,
  PiiEntityType.AWS_SECRET_KEY,
  PiiEntityType.PASSWORD,
  PiiEntityType.PIN,
  PiiEntityType.CREDIT_DEBIT_CARD_CVV,
];

function harmful(strength: FilterStrength, modalities: GuardrailModality[]): ContentFilter[] {
  const categories = [ContentFilterType.HATE, ContentFilterType.INSULTS, ContentFilterType.SEXUAL, ContentFilterType.VIOLENCE, ContentFilterType.MISCONDUCT];
  return categories.map((type) => ({ type, inputStrength: strength, outputStrength: strength, inputModalities: [...modalities], outputModalities: [...modalities] }));
}

function promptAttack(strength: FilterStrength): ContentFilter {
  return { type: ContentFilterType.PROMPT_ATTACK, inputStrength: strength, outputStrength: FilterStrength.NONE };
}

function entities(types: readonly PiiEntityType[], action: SensitiveInformationAction): PiiEntity[] {
  return types.map((type) => ({ type, action }));
}

/** Named guardrail configurations to spread into `PolicyGuardrailProps`. */
export class GuardrailPresets {
  /**
   * Strict: every harmful category at HIGH on text and images, prompt attacks at HIGH, the
   * profanity list, and credentials, payment card data and government IDs blocked in both
   * directions. For regulated, customer-facing assistants; expect more false positives.
   */
  public static strict(): GuardrailPolicies {
    return {
      contentFilters: [...harmful(FilterStrength.HIGH, [GuardrailModality.TEXT, GuardrailModality.IMAGE]), promptAttack(FilterStrength.HIGH)],
      managedWordLists: [{ type: ManagedWordList.PROFANITY }],
      piiEntities: entities(
        [
          ...SECRETS,
          PiiEntityType.CREDIT_DEBIT_CARD_NUMBER,
          PiiEntityType.CREDIT_DEBIT_CARD_EXPIRY,
          PiiEntityType.INTERNATIONAL_BANK_ACCOUNT_NUMBER,
          PiiEntityType.US_BANK_ACCOUNT_NUMBER,
          PiiEntityType.US_SOCIAL_SECURITY_NUMBER,
          PiiEntityType.US_PASSPORT_NUMBER,
          PiiEntityType.US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER,
          PiiEntityType.UK_NATIONAL_INSURANCE_NUMBER,
          PiiEntityType.CA_SOCIAL_INSURANCE_NUMBER,
        ],
        SensitiveInformationAction.BLOCK,
      ),
    };
  }

  /**
   * Balanced: harmful categories at MEDIUM on text, prompt attacks at HIGH, credentials blocked,
   * e-mail addresses and phone numbers masked in responses only. A general internal assistant.
   */
  public static balanced(): GuardrailPolicies {
    return {
      contentFilters: [...harmful(FilterStrength.MEDIUM, [GuardrailModality.TEXT]), promptAttack(FilterStrength.HIGH)],
      piiEntities: [
        ...entities(SECRETS, SensitiveInformationAction.BLOCK),
        ...[PiiEntityType.EMAIL, PiiEntityType.PHONE].map((type) => ({ type, inputAction: SensitiveInformationAction.NONE, outputAction: SensitiveInformationAction.ANONYMIZE })),
      ],
    };
  }

  /**
   * PII-redacting: every PII entity type masked in prompts and responses (so the model never sees
   * it and callers never get it back), credentials blocked, prompt attacks at HIGH. No harmful
   * content filters: combine with another preset's `contentFilters` when needed.
   */
  public static piiRedacting(): GuardrailPolicies {
    const all = Object.values(PiiEntityType) as PiiEntityType[];
    return {
      contentFilters: [promptAttack(FilterStrength.HIGH)],
      piiEntities: [...entities(SECRETS, SensitiveInformationAction.BLOCK), ...entities(all.filter((t) => !SECRETS.includes(t)), SensitiveInformationAction.ANONYMIZE)],
    };
  }
}
