import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings arrive as text: a whole decimal number becomes a number, anything else is left for the validators to refuse. */
const toInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));

export class InclusionQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'The tree size to prove against; default: the latest signed checkpoint' })
  @IsOptional()
  @toInteger()
  @IsInt({ message: 'treeSize must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ minimum: 1, description: 'The older tree size (e.g. a checkpoint the asker kept)' })
  @toInteger()
  @IsInt({ message: 'from must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  from!: number;

  @ApiProperty({ minimum: 1, description: 'The newer tree size, at least `from`' })
  @toInteger()
  @IsInt({ message: 'to must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  to!: number;
}

export class CheckpointsQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Only checkpoints of a smaller tree (the previous page’s last `treeSize`)' })
  @IsOptional()
  @toInteger()
  @IsInt({ message: 'before must be a whole number' })
  @Min(1)
  before?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @toInteger()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}
