// The worker's workflow bundle entry point.
export { meetingWorkflow } from './meeting';
export { sendBotWorkflow } from './send-bot';
export { webexAutoRecordWorkflow } from './webex-auto-record';
export { notificationDeliveryWorkflow } from './notify/delivery';
