import { ApiProperty } from '@nestjs/swagger';
import { PLAN_KINDS } from '@piao/lifecycle';

/**
 * The transparency export as the OpenAPI document declares it (docs/transparency.md): the open data (JSON, with the
 * Italian field names it is published under) and its DCAT-AP_IT metadata (JSON-LD).
 */

const PLAN_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const BASE = `https://comune.example.it/transparency/plans/${PLAN_ID}`;

/** The states an objective is published in (an objective is published once the Giunta approved it). */
export const OPEN_DATA_STATES = ['approvato', 'rendicontato', 'concluso', 'annullato'] as const;

export class OpenDataIndicatorView {
  @ApiProperty({ example: 'Famiglie sostenute' })
  descrizione!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The indicator's type, when given: an id of the ente's catalogue of indicator types (the standard ones, such as efficacia, or the ente's own)",
    example: 'efficacia',
  })
  tipo!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'almeno n. 100' })
  target!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The last value reported', example: 'n. 112' })
  valore_finale!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The date of that value', example: '2025-12-31' })
  data_valore!: string | null;
}

export class OpenDataObjectiveView {
  @ApiProperty({ example: 'S08_01' })
  codice!: string;

  @ApiProperty({ example: 'Sostegno alle famiglie' })
  titolo!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Una città che include' })
  linea_strategica!: string | null;

  @ApiProperty({ description: "The responsible unit's name (units, never people)", example: 'Settore Welfare' })
  unita_responsabile!: string;

  @ApiProperty({ enum: OPEN_DATA_STATES, example: 'approvato' })
  stato!: string;

  @ApiProperty({ type: String, nullable: true, example: 'DGC n. 31 del 2025-03-10' })
  atto_approvazione!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The NdV's degree of achievement (percent), once final (confirmed, or the objective closed); null until then",
    example: 95,
  })
  grado_raggiungimento!: number | null;

  @ApiProperty({ type: [OpenDataIndicatorView] })
  indicatori!: OpenDataIndicatorView[];
}

export class OpenDataPlanSummaryView {
  @ApiProperty({ format: 'uuid', example: PLAN_ID })
  id!: string;

  @ApiProperty({ enum: PLAN_KINDS, example: 'PEG' })
  tipo!: string;

  @ApiProperty({ example: 'PEG 2025' })
  titolo!: string;

  @ApiProperty({ type: 'integer', example: 2025 })
  anno_inizio!: number;

  @ApiProperty({ type: 'integer', example: 2025 })
  anno_fine!: number;

  @ApiProperty({ type: String, nullable: true, example: 'DGC n. 31 del 2025-03-10' })
  atto_approvazione!: string | null;
}

export class OpenDataPlanView {
  @ApiProperty({ example: 'comune-esempio' })
  ente!: string;

  @ApiProperty({ type: OpenDataPlanSummaryView })
  piano!: OpenDataPlanSummaryView;

  @ApiProperty({ type: [OpenDataObjectiveView], description: 'The objectives the Giunta approved (drafts and proposals are not published)' })
  obiettivi!: OpenDataObjectiveView[];
}

// ---- DCAT-AP_IT (JSON-LD) ----

export class JsonLdReferenceView {
  @ApiProperty({ example: 'http://publications.europa.eu/resource/authority/data-theme/GOVE' })
  '@id'!: string;
}

export class JsonLdTextView {
  @ApiProperty({ example: 'it' })
  '@language'!: string;

  @ApiProperty({ example: 'PEG 2025: obiettivi di performance e risultati' })
  '@value'!: string;
}

export class JsonLdDateView {
  @ApiProperty({ example: 'xsd:date' })
  '@type'!: string;

  @ApiProperty({ format: 'date', example: '2025-07-16' })
  '@value'!: string;
}

export class DcatAgentView {
  @ApiProperty({ type: [String], example: ['foaf:Agent', 'dcatapit:Agent'] })
  '@type'!: string[];

  @ApiProperty({ example: 'comune-esempio' })
  'dct:identifier'!: string;

  @ApiProperty({ example: 'comune-esempio' })
  'foaf:name'!: string;
}

export class DcatLicenceView {
  @ApiProperty({ type: [String], example: ['dct:LicenseDocument', 'dcatapit:LicenseDocument'] })
  '@type'!: string[];

  @ApiProperty({ example: 'https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40' })
  '@id'!: string;

  @ApiProperty({ example: 'Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)' })
  'foaf:name'!: string;
}

export class DcatDistributionView {
  @ApiProperty({ example: 'dcatapit:Distribution' })
  '@type'!: string;

  @ApiProperty({ type: JsonLdTextView })
  'dct:title'!: JsonLdTextView;

  @ApiProperty({ type: JsonLdReferenceView, description: 'The EU file type (CSV or JSON)' })
  'dct:format'!: JsonLdReferenceView;

  @ApiProperty({ example: 'text/csv' })
  'dcat:mediaType'!: string;

  @ApiProperty({ type: JsonLdReferenceView, example: { '@id': `${BASE}/obiettivi.csv` } })
  'dcat:accessURL'!: JsonLdReferenceView;

  @ApiProperty({ type: JsonLdReferenceView, example: { '@id': `${BASE}/obiettivi.csv` } })
  'dcat:downloadURL'!: JsonLdReferenceView;

  @ApiProperty({ type: DcatLicenceView })
  'dct:license'!: DcatLicenceView;
}

export class DcatPeriodView {
  @ApiProperty({ example: 'dct:PeriodOfTime' })
  '@type'!: string;

  @ApiProperty({ type: JsonLdDateView, example: { '@type': 'xsd:date', '@value': '2025-01-01' } })
  'dcat:startDate'!: JsonLdDateView;

  @ApiProperty({ type: JsonLdDateView, example: { '@type': 'xsd:date', '@value': '2025-12-31' } })
  'dcat:endDate'!: JsonLdDateView;
}

export class DcatDatasetView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The JSON-LD context: the prefixes dcat, dct, dcatapit, foaf, xsd',
    example: { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', dcatapit: 'http://dati.gov.it/onto/dcatapit#' },
  })
  '@context'!: Record<string, string>;

  @ApiProperty({ example: `${BASE}/dcat.jsonld` })
  '@id'!: string;

  @ApiProperty({ type: [String], example: ['dcat:Dataset', 'dcatapit:Dataset'] })
  '@type'!: string[];

  @ApiProperty({ example: `comune-esempio:piao-performance:${PLAN_ID}` })
  'dct:identifier'!: string;

  @ApiProperty({ type: JsonLdTextView })
  'dct:title'!: JsonLdTextView;

  @ApiProperty({ type: JsonLdTextView })
  'dct:description'!: JsonLdTextView;

  @ApiProperty({ type: JsonLdReferenceView })
  'dcat:theme'!: JsonLdReferenceView;

  @ApiProperty({ type: DcatAgentView })
  'dct:publisher'!: DcatAgentView;

  @ApiProperty({ type: DcatAgentView })
  'dct:rightsHolder'!: DcatAgentView;

  @ApiProperty({ type: JsonLdDateView, description: 'The last change to what is published' })
  'dct:modified'!: JsonLdDateView;

  @ApiProperty({ type: JsonLdReferenceView, example: { '@id': 'http://publications.europa.eu/resource/authority/frequency/ANNUAL' } })
  'dct:accrualPeriodicity'!: JsonLdReferenceView;

  @ApiProperty({ type: JsonLdReferenceView, example: { '@id': 'http://publications.europa.eu/resource/authority/language/ITA' } })
  'dct:language'!: JsonLdReferenceView;

  @ApiProperty({ type: DcatPeriodView })
  'dct:temporal'!: DcatPeriodView;

  @ApiProperty({ type: [JsonLdTextView], example: [{ '@language': 'it', '@value': 'performance' }] })
  'dcat:keyword'!: JsonLdTextView[];

  @ApiProperty({ type: [DcatDistributionView], description: 'The CSV and the JSON distribution' })
  'dcat:distribution'!: DcatDistributionView[];
}
