import { Controller, Get, Header, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditProofs } from '@piao/audit';
import { type Actor, type Role } from '@piao/lifecycle';
import { Context, type RequestContext } from '../commands/request-context';
import { validationProblem } from '../problem-details/problem';
import { requireRole } from '../auth/require-role';
import { CheckpointsQueryDto, ConsistencyQueryDto, InclusionQueryDto } from './audit.dto';
import { EVENT_ID } from '../validation/route-params';

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
  @ApiOperation({ summary: 'The latest signed checkpoint, as the C2SP signed note (text): nucleo, rpct, segretario, admin' })
  async latest(@Context() c: RequestContext): Promise<string> {
    auditor(c.actor);
    const latest = await this.proofs.latestCheckpoint();
    if (!latest) throw new NotFoundException('no checkpoint has been signed yet');
    return latest.note;
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints, largest tree first: nucleo, rpct, segretario, admin' })
  async list(@Context() c: RequestContext, @Query() query: CheckpointsQueryDto) {
    auditor(c.actor);
    const items = await this.proofs.checkpoints(query.before, query.limit ?? 50);
    return { items, next: items.length === (query.limit ?? 50) ? items[items.length - 1].treeSize : null };
  }

  @Get('events/:eventId/inclusion')
  @ApiOperation({ summary: "An RFC 6962 inclusion proof of one of the ente's events in the tree of a signed size: nucleo, rpct, segretario, admin" })
  async inclusion(@Context() c: RequestContext, @Param('eventId', EVENT_ID) eventId: string, @Query() query: InclusionQueryDto) {
    auditor(c.actor);
    const answer = await this.proofs.inclusion(c.actor.ente, eventId, query.treeSize);
    if (!answer) throw new NotFoundException(`no event ${eventId} of this ente within that tree`);
    if ('problem' in answer)
      throw validationProblem([
        answer.problem === 'no-checkpoint'
          ? { field: 'treeSize', rule: 'checkpoint', message: `no checkpoint has been signed yet: name a treeSize of at most ${answer.treeSize}` }
          : { field: 'treeSize', rule: 'max', message: `treeSize must be at most ${answer.treeSize}, the size of the tree` },
      ]);
    return answer;
  }

  @Get('consistency')
  @ApiOperation({ summary: 'An RFC 6962 consistency proof from an older tree size to a newer one: nucleo, rpct, segretario, admin' })
  async consistency(@Context() c: RequestContext, @Query() query: ConsistencyQueryDto) {
    auditor(c.actor);
    if (query.to < query.from) throw validationProblem([{ field: 'to', rule: 'min', message: 'to must be at least from' }]);
    const answer = await this.proofs.consistency(query.from, query.to);
    if ('problem' in answer) throw validationProblem([{ field: 'to', rule: 'max', message: `to must be at most ${answer.treeSize}, the size of the tree` }]);
    return answer;
  }
}
