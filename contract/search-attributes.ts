// The search attributes a meeting's workflow publishes, by which GET /meetings lists meetings (Temporal
// visibility); every Temporal server the service uses registers them. Loaded by the workflow bundle: no zod.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const MeetingProviderKey = defineSearchAttributeKey('MeetingProvider', SearchAttributeType.KEYWORD);
export const MeetingStatusKey = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const MeetingEndedAtKey = defineSearchAttributeKey('MeetingEndedAt', SearchAttributeType.DATETIME);
export const SEARCH_ATTRIBUTE_KEYS = [MeetingProviderKey, MeetingStatusKey, MeetingEndedAtKey];
