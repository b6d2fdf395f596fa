import { ApplicationFailure } from '@temporalio/common';
import type { ArchiveRef } from '../../domain/archive-ref';
import { v1CompleteSchema, v1TranscriptWords } from '../../domain/meetingbaas/v1';
import { groupIntoUtterances } from '../../domain/transcript';
import type { FileArchive } from '../../platform/archive';

export interface ArchiveTranscriptInput {
  botId: string;
  /** Claim check of the `complete` webhook body, stored by the API. */
  payloadRef: ArchiveRef;
}

export interface ArchivedTranscript {
  archive: ArchiveRef;
  utterances: number;
  speakers: string[];
}

export function meetingBaasTranscriptActivities({ archive }: { archive: FileArchive }) {
  return {
    /**
     * Reads the `complete` body from the archive, groups its words into utterances and archives the
     * normalised transcript. Only counts and names go back to the workflow.
     */
    async archiveMeetingBaasTranscript({
      botId,
      payloadRef,
    }: ArchiveTranscriptInput): Promise<ArchivedTranscript> {
      const body = await archive.read(payloadRef);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw ApplicationFailure.nonRetryable(
          `stored complete body ${payloadRef.uri} is not JSON`,
          'InvalidPayload',
        );
      }
      const parsed = v1CompleteSchema.safeParse(json);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(
          `stored complete body does not parse: ${parsed.error.message}`,
          'InvalidPayload',
        );
      }
      const transcript = groupIntoUtterances(v1TranscriptWords(parsed.data), parsed.data.data.speakers);
      const ref = await archive.putJson(`meetingbaas/${botId}/transcript.json`, {
        provider: 'meetingbaas',
        externalId: botId,
        ...transcript,
      });
      return { archive: ref, utterances: transcript.utterances.length, speakers: transcript.speakers };
    },
  };
}
