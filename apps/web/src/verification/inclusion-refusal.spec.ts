import { hasMessage } from '../i18n/messages';
import { inclusionRefusal } from './inclusion-refusal';

describe('the verification page on an inclusion the API cannot prove', () => {
  it('says an event after the latest checkpoint will be in the next one, and an unknown event is not in the log', () => {
    const notYet = inclusionRefusal({
      type: '/problems/not-yet-signed',
      title: 'Not in a signed checkpoint yet',
      status: 409,
      rule: 'not-yet-signed',
      detail: '…',
    });
    expect(notYet).toEqual({ color: 'info', messageKey: 'verification.notYetSigned' });
    const unknown = inclusionRefusal({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no event' });
    expect(unknown).toEqual({ color: 'warning', messageKey: 'verification.notFound' });
    for (const key of [notYet!.messageKey, unknown!.messageKey]) expect(hasMessage(key)).toBe(true);
  });

  it('leaves any other problem to the usual alert: another 409, a 400 naming the field, a 503', () => {
    expect(inclusionRefusal({ type: '/problems/conflict', title: 'Conflict', status: 409, detail: '…' })).toBeUndefined();
    expect(inclusionRefusal({ type: '/problems/validation', title: 'Invalid', status: 400, detail: '…' })).toBeUndefined();
    expect(inclusionRefusal({ type: '/problems/unavailable', title: 'Unavailable', status: 503, detail: '…' })).toBeUndefined();
  });
});
