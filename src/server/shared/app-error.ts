import { ERRORS } from '../../protocol/index.js';

/** An error whose message is meant for the user, with the HTTP status it answers with. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const fail = {
  badRequest: (message: string) => new AppError(400, message),
  unauthorized: (message: string = ERRORS.authRequired) => new AppError(401, message),
  forbidden: (message: string = ERRORS.notMember) => new AppError(403, message),
  notFound: (message: string = ERRORS.notFound) => new AppError(404, message),
  conflict: (message: string) => new AppError(409, message),
  rateLimited: () => new AppError(429, ERRORS.rateLimited),
};
