/** Where each aggregate's events live: one stream per objective and per plan, one organisation stream per ente. */
export const OBJECTIVE_STREAM_PREFIX = 'objective-';
export const PLAN_STREAM_PREFIX = 'plan-';
export const objectiveStreamId = (objectiveId: string) => `${OBJECTIVE_STREAM_PREFIX}${objectiveId}`;
export const planStreamId = (planId: string) => `${PLAN_STREAM_PREFIX}${planId}`;
export const ORGANISATION_STREAM_PREFIX = 'organisation-';
export const organisationStreamId = (ente: string) => `${ORGANISATION_STREAM_PREFIX}${ente}`;
