/** A validator for one definition of docs/report.schema.json (JSON Schema 2020-12, Ajv). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const SCHEMA = JSON.parse(readFileSync(resolve(__dirname, '../../docs/report.schema.json'), 'utf8')) as { $id: string };
let ajv: Ajv2020 | undefined;

/** Not a type guard: callers keep their own view of the document. */
export type Validator = ((data: unknown) => boolean) & Pick<ValidateFunction, 'errors'>;

export function reportValidator(def: 'Report' | 'LintOutput' | 'CheckOutput'): Validator {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addSchema(SCHEMA);
  }
  const v = ajv.getSchema(`${SCHEMA.$id}#/$defs/${def}`);
  if (!v) throw new Error(`docs/report.schema.json has no $defs/${def}`);
  return v as unknown as Validator;
}
