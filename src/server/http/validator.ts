import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { parsePayload } from '../../protocol/index.js';
import { AppError } from '../shared/app-error.js';

/** Route schemas are the protocol's zod schemas; a failure answers with the first problem. */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = parsePayload(schema, data);
    return result.ok ? { value: result.data } : { error: new AppError(400, result.message) };
  };
