// Package record keeps what a client sent and received, with no secret in
// it: the Recorder wraps a client's transport and keeps each Exchange
// redacted, HAR writes exchanges as a HAR file, and the Redactor knows
// every secret of a flow and removes it from text in any encoding (its
// escape and blob layers, and Forget for tokens no longer alive).
// Fingerprint names a token without revealing it.
//
// The client and the redactor match a field name by one key rule
// (FoldKey), and NoteSecrets teaches the redactor a body's secrets before
// the client takes anything from it. Package client imports record, never
// the other way: the client hands the Recorder its reading of an error
// answer (ErrorReader) when it wraps its transport.
package record
