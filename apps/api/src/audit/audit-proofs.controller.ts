import { Controller, Get, Header, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditProofs } from '@piao/audit';
import { type Actor, type Role } from '@piao/lifecycle';
import { Context, type RequestContext } from '../commands/request-context';
import { ProblemException, validationProblem } from '../problem-details/problem';
import { requireRole } from '../auth/require-role';
import { CheckpointsQueryDto, ConsistencyQueryDto, InclusionQueryDto } from './audit.dto';
import { CHECKPOINT_NOTE_EXAMPLE, CheckpointPageView, ConsistencyProofView, InclusionProofView } from './audit.schemas';
import { EVENT_ID } from '../validation/route-params';
import { ApiProblems } from '../openapi/api-problems';
import { seesUnsharedEvaluations } from '../objectives/objective.views';

/** Who may read the tamper-evident log's checkpoints and proofs: the controls and those who answer to them. */
const AUDITORS: readonly Role[] = ['nucleo', 'rpct', 'segretario', 'admin'];

const auditor = (actor: Actor) => requireRole(actor, AUDITORS, 'the audit log');

/**
 * The tamper-evident log for outside checking (docs/audit.md): signed checkpoints as C2SP notes, RFC 6962 inclusion
 * proofs of an event of the caller's ente, and consistency proofs between two tree sizes. Everything here can be
 * checked without trusting this server: the note with the published verifier key, the proofs with any RFC 6962
 * verifier.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditProofsController {
  constructor(private readonly proofs: AuditProofs) {}

  @Get('checkpoint')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    operationId: 'getLatestCheckpoint',
    summary: 'The latest signed checkpoint, as the C2SP signed note (text)',
    description:
      'Roles: nucleo, rpct, segretario, admin. The C2SP tlog-checkpoint (origin, tree size, base64 root hash) signed as a C2SP signed note ' +
      '(Ed25519), as `text/plain`: verify it with the installation’s published verifier key and keep it, so that a later consistency proof ' +
      'shows the log was only appended to. 404 before the first checkpoint is signed.',
  })
  @ApiOkResponse({
    description: 'The signed note',
    content: { 'text/plain': { schema: { type: 'string' }, example: CHECKPOINT_NOTE_EXAMPLE } },
  })
  @ApiProblems([404, 'No checkpoint has been signed yet'])
  async latest(@Context() c: RequestContext): Promise<string> {
    auditor(c.actor);
    const latest = await this.proofs.latestCheckpoint();
    if (!latest) throw new NotFoundException('no checkpoint has been signed yet');
    return latest.note;
  }

  @Get('checkpoints')
  @ApiOperation({
    operationId: 'listCheckpoints',
    summary: 'Signed checkpoints, largest tree first',
    description:
      'Roles: nucleo, rpct, segretario, admin. Each checkpoint with its tree size, root hash, signing time and signed note; ' +
      'page with `before` = the previous page’s `next`.',
  })
  @ApiOkResponse({ type: CheckpointPageView })
  async list(@Context() c: RequestContext, @Query() query: CheckpointsQueryDto): Promise<CheckpointPageView> {
    auditor(c.actor);
    const items = await this.proofs.checkpoints(query.before, query.limit ?? 50);
    return { items, next: items.length === (query.limit ?? 50) ? items[items.length - 1].treeSize : null };
  }

  @Get('events/:eventId/inclusion')
  @ApiOperation({
    operationId: 'getEventInclusionProof',
    summary: "An RFC 6962 inclusion proof of one of the ente's events",
    description:
      'Roles: nucleo, rpct, segretario, admin. The event’s leaf index and hash, the audit path to the root of the tree of `treeSize` ' +
      '(default: the latest signed checkpoint’s), that root, and the note signed at that size when there is one. ' +
      'Another ente’s event, or one beyond `treeSize`, is a 404; a `treeSize` beyond the tree a 400. ' +
      'Without `treeSize`, an event hashed after the latest signed checkpoint (or before the first) is a 409 `not-yet-signed`: the next ' +
      'checkpoint (every AUDIT_CHECKPOINT_SECONDS) will hold it; until then a `treeSize` up to the tree’s size proves it against an unsigned root.',
  })
  @ApiOkResponse({ type: InclusionProofView })
  @ApiProblems([409, 'The event was hashed after the latest signed checkpoint (`not-yet-signed`): the next checkpoint will hold it'])
  async inclusion(@Context() c: RequestContext, @Param('eventId', EVENT_ID) eventId: string, @Query() query: InclusionQueryDto): Promise<InclusionProofView> {
    auditor(c.actor);
    const answer = await this.proofs.inclusion(c.actor.ente, eventId, query.treeSize, seesUnsharedEvaluations(c.actor));
    if (!answer) throw new NotFoundException(`no event ${eventId} of this ente within that tree`);
    if ('problem' in answer && answer.problem === 'not-yet-signed') {
      throw new ProblemException({
        type: '/problems/not-yet-signed',
        title: 'Not in a signed checkpoint yet',
        status: 409,
        detail:
          `event ${eventId} was hashed after the latest signed checkpoint (${answer.signedSize} leaves${answer.signedSize === 0 ? ': none signed yet' : ''}): ` +
          `the next checkpoint will hold it; a treeSize from ${answer.leafIndex + 1} to ${answer.treeSize} proves it against the tree as it is`,
        rule: 'not-yet-signed',
      });
    }
    if ('problem' in answer)
      throw validationProblem([{ field: 'treeSize', rule: 'max', message: `treeSize must be at most ${answer.treeSize}, the size of the tree` }]);
    return answer;
  }

  @Get('consistency')
  @ApiOperation({
    operationId: 'getConsistencyProof',
    summary: 'An RFC 6962 consistency proof from an older tree size to a newer one',
    description:
      'Roles: nucleo, rpct, segretario, admin. Proves that the tree of size `to` extends the tree of size `from` (e.g. between two signed ' +
      'checkpoints a reader kept), with both roots. `to` must be at least `from` and at most the size of the tree (400 otherwise).',
  })
  @ApiOkResponse({ type: ConsistencyProofView })
  async consistency(@Context() c: RequestContext, @Query() query: ConsistencyQueryDto): Promise<ConsistencyProofView> {
    auditor(c.actor);
    if (query.to < query.from) throw validationProblem([{ field: 'to', rule: 'min', message: 'to must be at least from' }]);
    const answer = await this.proofs.consistency(query.from, query.to);
    if ('problem' in answer) throw validationProblem([{ field: 'to', rule: 'max', message: `to must be at most ${answer.treeSize}, the size of the tree` }]);
    return answer;
  }
}
