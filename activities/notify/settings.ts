// What the worker's notification activities are configured with (NOTIFY_* in platform/config.ts).
import { DEFAULT_NOTIFY_RETRY, type NotifyRetrySettings } from '../../domain/notify/notification';

export interface NotifySettings {
  /** NOTIFY_WEBHOOK_URLS; empty: no notifications. */
  urls: readonly string[];
  /** NOTIFY_WEBHOOK_SECRET (`whsec_<base64>`): the Standard Webhooks signing key. Never leaves the worker. */
  secret?: string;
  retry: NotifyRetrySettings;
}

export const NO_NOTIFICATIONS: NotifySettings = { urls: [], retry: DEFAULT_NOTIFY_RETRY };
