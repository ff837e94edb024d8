/**
 * The console's crypto: everything the browser needs to open what workers'
 * devices sealed and to seal replies the devices open, byte for byte as the
 * Rust core does. Formats: `FORMATS.md` beside this file. Test vectors shared
 * with the core: `console/test-vectors/`.
 */

export { ConsoleCryptoError, type CryptoErrorCode } from './errors.js';
export { fromBase64Url, toBase64Url, wipe } from './bytes.js';
export {
  type EphemeralKey,
  type HpkeSealed,
  type RecipientKey,
  generateRecipientKey,
  importRecipientKey,
  openBase,
  sealBase,
} from './hpke.js';
export {
  ATTACHMENT_CHUNK,
  type Author,
  ENVELOPE_OVERHEAD,
  chunkAad,
  grievanceHpkeInfo,
  openAttachment,
  openEnvelope,
  payloadAad,
  replyAad,
  responseAad,
  responseHpkeInfo,
  sealAttachment,
  sealEnvelope,
} from './envelope.js';
export {
  type AttachmentInfo,
  type AttachmentMeta,
  type Callback,
  type GrievanceContent,
  type OpenedGrievance,
  type Reporter,
  type SubmissionHeader,
  type WrappedKey,
  openContentKey,
  openGrievance,
  openGrievanceAttachment,
  openGrievancePayload,
  openReply,
  openSubmission,
  parseSubmission,
  sealReply,
  wrappedFor,
  wrappedKeyFromJson,
} from './grievance.js';
export {
  type NewReaderKey,
  type OpenedCase,
  type PasswordKeys,
  type RouteReader,
  type SealedCase,
  type SealedNote,
  MAX_KDF_ITERATIONS,
  MIN_KDF_ITERATIONS,
  MIN_PASSWORD_CHARS,
  acceptablePassword,
  derivePasswordKeys,
  keyId,
  newReaderKey,
  openCaseReply,
  openNote,
  openSealedCase,
  privateKeyAad,
  sealNote,
  unwrapPrivateKey,
} from './reader.js';
export {
  type SurveyAnswer,
  type SurveyResponseContent,
  type SurveyResponseUpload,
  openSurveyResponse,
  surveyResponseUploadFromJson,
} from './survey.js';
