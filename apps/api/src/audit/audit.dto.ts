import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_REVISION, ToInteger } from '../validation/validators';

export class InclusionQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'The tree size to prove against; default: the latest signed checkpoint' })
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'treeSize must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ minimum: 1, description: 'The older tree size (e.g. a checkpoint the asker kept)' })
  @ToInteger()
  @IsInt({ message: 'from must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  from!: number;

  @ApiProperty({ minimum: 1, description: 'The newer tree size, at least `from`' })
  @ToInteger()
  @IsInt({ message: 'to must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  to!: number;
}

export class CheckpointsQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Only checkpoints of a smaller tree (the previous page’s last `treeSize`)' })
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'before must be a whole number' })
  @Min(1)
  @Max(MAX_REVISION)
  before?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}
