export * from './reminder-policy';
export * from './quiet-days';
export * from './reminder-schedule';
export * from './reminder-deadlines';
