// Package textsafe is what may reach a terminal or a Markdown file: text
// that came from a server, a file or a user, made safe to print
// (Sanitize, SanitizeMultiline, EscapeJSONControls) and bounded to a
// line (Excerpt, Cut, Bounded, MediaType).
//
// It imports nothing of the project, so that every layer can clean what
// it shows with the same rules.
package textsafe
