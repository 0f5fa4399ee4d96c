import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, Matches, validateSync } from 'class-validator';
import { inTurns, type ImportItem, type ImportProgress } from '@piao/application';
import { type FieldError } from '../problem-details/problem';
import { ObjectiveDefinitionDto, toDefinition } from '../objectives/objective-definition.dto';
import { OBJECTIVE_CODE, OBJECTIVE_CODE_RULE } from '../objectives/objective-command.dto';
import { NestedObject } from '../validation/validators';
import { unstorableFields } from '../validation/request-edge';
import { flatten } from '../validation/validation-pipe';

/** A plan import holds at most this many objectives: a PIAO has tens, a large PEG a few hundred. */
export const MAX_IMPORTED_OBJECTIVES = 2_000;

/** One objective of a plan document: the body of `POST /plans/{planId}/objectives`, with its code required. */
export class ImportedObjectiveDto {
  @ApiProperty({ description: 'The code in the plan: it identifies the objective, so importing it again finds it', example: '2025_S08_04' })
  @Matches(OBJECTIVE_CODE, { message: OBJECTIVE_CODE_RULE })
  code!: string;

  @ApiProperty({ type: ObjectiveDefinitionDto })
  @IsDefined()
  @NestedObject(() => ObjectiveDefinitionDto)
  definition!: ObjectiveDefinitionDto;
}

/**
 * A plan document: the objectives of a plan as JSON, each as `POST /plans/{planId}/objectives` takes it. Each
 * objective is checked on its own, so that one bad objective is a line of the report and not a refusal of the file.
 */
export class PlanDocumentDto {
  @ApiProperty({ type: [ImportedObjectiveDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORTED_OBJECTIVES)
  objectives!: ImportedObjectiveDto[];
}

/** An objective as read from a file, before its checks: a draft's body, and where it came from. */
export interface ReadObjective {
  code: string;
  rows: number[];
  draft: unknown;
}

/**
 * The objectives of a plan document, or the fields that make it no plan document at all (then the whole request is
 * a 400). The items themselves are not checked here: see importItems.
 */
export function objectivesOfDocument(body: unknown): { objectives: ReadObjective[] } | { errors: FieldError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { errors: [{ field: '(body)', rule: 'plan-document', message: 'the body must be a plan document: { "objectives": [ … ] }' }] };
  }
  const unknown = Object.keys(body).filter((key) => key !== 'objectives');
  const objectives = (body as { objectives?: unknown }).objectives;
  const errors: FieldError[] = unknown.map((key) => ({ field: key, rule: 'unknown-field', message: `${key} is not a known field` }));
  if (!Array.isArray(objectives) || objectives.length === 0 || objectives.length > MAX_IMPORTED_OBJECTIVES) {
    errors.push({ field: 'objectives', rule: 'objective-list', message: `objectives must be a list of 1 to ${MAX_IMPORTED_OBJECTIVES} objectives` });
  }
  if (errors.length > 0) return { errors };
  return {
    objectives: (objectives as unknown[]).map((draft, i) => {
      const code = (draft as { code?: unknown } | null)?.code;
      return { code: typeof code === 'string' ? code.trim() : `#${i + 1}`, rows: [i + 1], draft };
    }),
  };
}

/** Each objective read from a file checked as a draft of it would be: the definition, or the bad fields. */
export async function importItems(objectives: ReadObjective[], onProgress: (progress: ImportProgress) => void = () => undefined): Promise<ImportItem[]> {
  return inTurns(objectives, (done) => onProgress({ stage: 'checking', done, total: objectives.length }), importItem);
}

function importItem({ code, rows, draft }: ReadObjective): ImportItem {
  if (draft === null || typeof draft !== 'object' || Array.isArray(draft)) {
    return {
      code,
      rows,
      problems: [{ field: '(objective)', rule: 'nested-object', message: 'an objective must be an object: { "code": …, "definition": … }' }],
    };
  }
  const stored = unstorableFields(draft, '');
  if (stored.length > 0) return { code, rows, problems: stored };
  const dto = plainToInstance(ImportedObjectiveDto, draft, { enableImplicitConversion: false });
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) return { code, rows, problems: flatten(errors) };
  const read = toDefinition(dto.definition);
  if ('errors' in read) return { code, rows, problems: read.errors };
  return { code: dto.code.trim(), rows, definition: read.definition, problems: [] };
}
