// The claim-checked final data of a Meeting BaaS bot (the v1 `complete` or v2 `bot.completed` body, from a
// webhook or rebuilt from the API): where the signed recording URL lives, out of the workflow's history.
import { z } from 'zod';

const urlSchema = z.url({ protocol: /^https?$/ }).nullish();
const finalBodySchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('complete'), data: z.object({ mp4: urlSchema }) }),
  z.object({ event: z.literal('bot.completed'), data: z.object({ video: urlSchema, mp4: urlSchema }) }),
]);

/** The signed recording URL of a stored final body (v2: `video`, else the `mp4` of the webhooks page). */
export function finalDataRecordingUrl(body: unknown): string | undefined {
  const parsed = finalBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const final = parsed.data;
  return (
    (final.event === 'bot.completed' ? (final.data.video ?? final.data.mp4) : final.data.mp4) ?? undefined
  );
}
