import { type ObjectiveState, type OrganisationState, type PlanState } from '@piao/lifecycle';

/**
 * The approved plan and its results as open data, for the "Amministrazione Trasparente" section of the ente's site
 * (d.lgs. 33/2013, art. 10 and 20: the performance plan and report). Only what the Giunta approved is published:
 * drafts and proposals are not; a cancelled objective is, with its status. No personal data: units, not people.
 * An achievement is published once the NdV's evaluation is final (confirmed, or the objective closed); until then it
 * is empty, since an evaluation shared but not final may still change, and one not shared is the NdV's alone.
 */
export interface OpenDataObjective {
  codice: string;
  titolo: string;
  linea_strategica: string | null;
  unita_responsabile: string;
  stato: string;
  atto_approvazione: string | null;
  grado_raggiungimento: number | null;
  indicatori: { descrizione: string; tipo: string | null; target: string | null; valore_finale: string | null; data_valore: string | null }[];
}

export interface OpenDataPlan {
  ente: string;
  piano: { id: string; tipo: string; titolo: string; anno_inizio: number; anno_fine: number; atto_approvazione: string | null };
  obiettivi: OpenDataObjective[];
}

const PUBLISHED = new Set(['approved', 'reported', 'evaluated', 'closed', 'cancelled']);
const STATUS_LABELS: Record<string, string> = {
  approved: 'approvato',
  reported: 'rendicontato',
  evaluated: 'rendicontato',
  closed: 'concluso',
  cancelled: 'annullato',
};

const actText = (act: { number: string; date: string } | undefined) => (act ? `DGC n. ${act.number} del ${act.date}` : null);

export function openDataOf(ente: string, plan: PlanState, objectives: ObjectiveState[], organisation: OrganisationState): OpenDataPlan {
  return {
    ente,
    piano: {
      id: plan.planId,
      tipo: plan.kind,
      titolo: plan.title,
      anno_inizio: plan.fromYear,
      anno_fine: plan.toYear,
      atto_approvazione: actText(plan.approvalAct),
    },
    obiettivi: objectives
      .filter((o) => PUBLISHED.has(o.status) && o.approvalAct)
      .map((o) => {
        const final = o.evaluation && (o.evaluation.status === 'confirmed' || o.status === 'closed') ? o.evaluation.achievementPercent : null;
        return {
          codice: o.code,
          titolo: o.definition.title,
          linea_strategica: o.definition.place?.strategicLine ?? null,
          unita_responsabile: organisation.units[o.definition.responsibleUnitId]?.name ?? o.definition.responsibleUnitId,
          stato: STATUS_LABELS[o.status] ?? o.status,
          atto_approvazione: actText(o.approvalAct),
          grado_raggiungimento: final,
          indicatori: o.definition.indicators.map((i) => {
            const last = o.indicatorValues[i.id]?.at(-1);
            return {
              descrizione: i.description,
              tipo: i.type ?? null,
              target: i.target?.text ?? null,
              valore_finale: last?.value ?? null,
              data_valore: last?.asOf ?? null,
            };
          }),
        };
      }),
  };
}

export const OPEN_DATA_COLUMNS = [
  'piano',
  'anno_inizio',
  'anno_fine',
  'codice_obiettivo',
  'obiettivo',
  'linea_strategica',
  'unita_responsabile',
  'stato',
  'atto_approvazione',
  'grado_raggiungimento',
  'indicatore',
  'tipo_indicatore',
  'target',
  'valore_finale',
  'data_valore',
] as const;

/** One row per indicator (an objective without indicators has one row of its own), as the CSV distribution has them. */
type OpenDataRow = Record<(typeof OPEN_DATA_COLUMNS)[number], string | number | null>;

export function openDataRows(data: OpenDataPlan): OpenDataRow[] {
  return data.obiettivi.flatMap((o): OpenDataRow[] => {
    const base = {
      piano: data.piano.titolo,
      anno_inizio: data.piano.anno_inizio,
      anno_fine: data.piano.anno_fine,
      codice_obiettivo: o.codice,
      obiettivo: o.titolo,
      linea_strategica: o.linea_strategica,
      unita_responsabile: o.unita_responsabile,
      stato: o.stato,
      atto_approvazione: o.atto_approvazione,
      grado_raggiungimento: o.grado_raggiungimento,
    };
    const none = { indicatore: null, tipo_indicatore: null, target: null, valore_finale: null, data_valore: null };
    if (o.indicatori.length === 0) return [{ ...base, ...none }];
    return o.indicatori.map((i) => ({
      ...base,
      indicatore: i.descrizione,
      tipo_indicatore: i.tipo,
      target: i.target,
      valore_finale: i.valore_finale,
      data_valore: i.data_valore,
    }));
  });
}

/**
 * The dataset's metadata in DCAT-AP_IT (the Italian profile of DCAT-AP, AgID), as JSON-LD: the catalogue record a
 * site's open-data portal (CKAN with the dcatapit extension, dati.gov.it harvesting) reads. Mandatory properties
 * of dcatapit:Dataset are all there: identifier, title, description, theme, publisher, rights holder, modified,
 * accrual periodicity, and each distribution's format, access URL and licence.
 */
export function dcatApIt(data: OpenDataPlan, options: { baseUrl: string; modified: string }) {
  const id = `${data.ente}:piao-performance:${data.piano.id}`;
  const distribution = (format: 'CSV' | 'JSON', file: string, mediaType: string) => ({
    '@type': 'dcatapit:Distribution',
    'dct:title': { '@language': 'it', '@value': `${data.piano.titolo}: obiettivi e risultati (${format})` },
    'dct:format': { '@id': `http://publications.europa.eu/resource/authority/file-type/${format}` },
    'dcat:mediaType': mediaType,
    'dcat:accessURL': { '@id': `${options.baseUrl}/transparency/plans/${data.piano.id}/${file}` },
    'dcat:downloadURL': { '@id': `${options.baseUrl}/transparency/plans/${data.piano.id}/${file}` },
    'dct:license': {
      '@type': ['dct:LicenseDocument', 'dcatapit:LicenseDocument'],
      '@id': 'https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40',
      'foaf:name': 'Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)',
    },
  });
  const agent = { '@type': ['foaf:Agent', 'dcatapit:Agent'], 'dct:identifier': data.ente, 'foaf:name': data.ente };
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      dcatapit: 'http://dati.gov.it/onto/dcatapit#',
      foaf: 'http://xmlns.com/foaf/0.1/',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${options.baseUrl}/transparency/plans/${data.piano.id}/dcat.jsonld`,
    '@type': ['dcat:Dataset', 'dcatapit:Dataset'],
    'dct:identifier': id,
    'dct:title': { '@language': 'it', '@value': `${data.piano.titolo}: obiettivi di performance e risultati` },
    'dct:description': {
      '@language': 'it',
      '@value':
        `Obiettivi di performance del ${data.piano.tipo} ${data.piano.anno_inizio}-${data.piano.anno_fine} approvati dalla Giunta` +
        `${data.piano.atto_approvazione ? ` (${data.piano.atto_approvazione})` : ''}, con indicatori, target, valori rendicontati e grado di raggiungimento validato.`,
    },
    'dcat:theme': { '@id': 'http://publications.europa.eu/resource/authority/data-theme/GOVE' },
    'dct:publisher': agent,
    'dct:rightsHolder': agent,
    'dct:modified': { '@type': 'xsd:date', '@value': options.modified },
    'dct:accrualPeriodicity': { '@id': 'http://publications.europa.eu/resource/authority/frequency/ANNUAL' },
    'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/ITA' },
    'dct:temporal': {
      '@type': 'dct:PeriodOfTime',
      'dcat:startDate': { '@type': 'xsd:date', '@value': `${data.piano.anno_inizio}-01-01` },
      'dcat:endDate': { '@type': 'xsd:date', '@value': `${data.piano.anno_fine}-12-31` },
    },
    'dcat:keyword': [
      { '@language': 'it', '@value': 'performance' },
      { '@language': 'it', '@value': 'PIAO' },
      { '@language': 'it', '@value': 'amministrazione trasparente' },
    ],
    'dcat:distribution': [distribution('CSV', 'obiettivi.csv', 'text/csv'), distribution('JSON', 'obiettivi.json', 'application/json')],
  };
}
