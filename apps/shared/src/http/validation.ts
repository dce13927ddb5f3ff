import { isWellFormedText, PASSWORD_MAX, PASSWORD_MIN } from '../users/username.js'
import { ApiError } from './errors.js'

/**
 * Field validation for the two JSON bodies the apps accept. Types and lengths are checked before any hashing, so
 * a 1 MB password is refused in microseconds. Username *format* is not judged here: a well-typed but impossible
 * username at login is just an unknown user (401 after a dummy hash), so the response cannot tell them apart.
 */
const USERNAME_INPUT_MAX = 256

export interface LoginInput {
  username: string
  password: string
}

export interface PasswordChangeInput {
  currentPassword: string
  newPassword: string
}

function requireString(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field]
  if (typeof v !== 'string') throw new ApiError('invalid_request', `"${field}" must be a string`)
  if (v.length === 0) throw new ApiError('invalid_request', `"${field}" must not be empty`)
  if (v.length > max) throw new ApiError('invalid_request', `"${field}" must be at most ${max} characters`)
  if (!isWellFormedText(v)) throw new ApiError('invalid_request', `"${field}" must be well-formed Unicode`)
  return v
}

export function parseLogin(body: Record<string, unknown>): LoginInput {
  return {
    username: requireString(body, 'username', USERNAME_INPUT_MAX),
    password: requireString(body, 'password', PASSWORD_MAX),
  }
}

export function parsePasswordChange(body: Record<string, unknown>): PasswordChangeInput {
  const currentPassword = requireString(body, 'current_password', PASSWORD_MAX)
  const newPassword = requireString(body, 'new_password', PASSWORD_MAX)
  if (newPassword.length < PASSWORD_MIN) {
    throw new ApiError('invalid_request', `"new_password" must be at least ${PASSWORD_MIN} characters`)
  }
  return { currentPassword, newPassword }
}
