import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type ObjectiveDefinition } from './objective-definition';

/**
 * The content hash of a definition: SHA-256 over its RFC 8785 canonical JSON. The Giunta's approval of a plan
 * records the fingerprint of each proposal it approves, so that an objective re-proposed with another text is not
 * approved by an act that never saw that text.
 */
export function definitionFingerprint(definition: ObjectiveDefinition): string {
  return createHash('sha256')
    .update(canonicalize(definition) ?? '')
    .digest('hex');
}
