package dinterotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// The fake is no kinder than Dintero (contract §10): every endpoint checks
// its Bearer's scopes, and every JSON body is read strictly. This file holds
// the two helpers every endpoint uses for it, requireScope and
// decodeStrict (or readStrict, for a body whose fields depend on one of
// its values), and the shape of the 400 they answer.

// Detail is one entry of the "errors" list of a Dintero error (§1
// Errors). Dintero's reference does not pin its fields ("the nested
// error(s) encountered during validation"); the fake sends a human
// message, the field it is about and the kind of mistake, and for an enum
// the values allowed.
type Detail struct {
	Message string   `json:"message,omitempty"`
	Field   string   `json:"field,omitempty"`
	Type    string   `json:"type,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
	// Scopes are the scopes that would have been accepted (a scope 403).
	Scopes []string `json:"scopes,omitempty"`
}

// The kinds of Detail the strict decoder produces.
const (
	DetailRequired = "required"
	DetailUnknown  = "unknown_field"
	DetailEnum     = "enum"
	DetailType     = "type"
	DetailScope    = "scope"
)

// validationMessage is the message of every 400 the strict decoder sends.
const validationMessage = "Validation failed"

// validationFailed is Dintero's 400 for a body it refuses:
// {"error":{"message":"Validation failed","errors":[...]}}.
func validationFailed(details ...Detail) *apiError {
	return &apiError{status: http.StatusBadRequest, message: validationMessage, details: details}
}

// Field is what a body may carry under one name: whether it must be there
// (present, not null, not "") and, for a string, the values it may take.
type Field struct {
	Name     string
	Required bool
	Enum     []string
}

// Required is a field the body must carry; enum, when given, is every
// value it may take.
func Required(name string, enum ...string) Field {
	return Field{Name: name, Required: true, Enum: enum}
}

// Optional is a field the body may carry; enum, when given, is every value
// it may take when present.
func Optional(name string, enum ...string) Field {
	return Field{Name: name, Enum: enum}
}

// strictBody is a request's JSON object, read but not yet checked.
type strictBody struct {
	data []byte
	raw  map[string]json.RawMessage
}

// maxBody bounds what a fake endpoint reads of a body.
const maxBody = 1 << 16

// readStrict reads r's body: Content-Type application/json, at most 64
// KiB, one JSON object. A body that is not one gets the validation 400
// too.
func readStrict(r *http.Request) (*strictBody, *apiError) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fail(http.StatusUnsupportedMediaType, "invalid_request", "Content-Type must be application/json")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fail(http.StatusBadRequest, "invalid_request", "unreadable body")
	}
	if len(data) > maxBody {
		return nil, fail(http.StatusRequestEntityTooLarge, "invalid_request", "body larger than %d bytes", maxBody)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || raw == nil || dec.More() {
		return nil, validationFailed(Detail{Type: DetailType, Message: "the body must be one JSON object"})
	}
	return &strictBody{data: data, raw: raw}, nil
}

// String is the body's string value under name, or "" (absent, null or
// not a string): for choosing the spec by a value, as the token endpoint
// does by grant_type.
func (b *strictBody) String(name string) string {
	var s string
	if v, ok := b.raw[name]; ok {
		_ = json.Unmarshal(v, &s)
	}
	return s
}

// Has reports whether the body carries name (null included).
func (b *strictBody) Has(name string) bool {
	_, ok := b.raw[name]
	return ok
}

// Decode checks the body against spec and reads it into v (a pointer to a
// struct whose json tags name the same fields). Every mistake is one
// Detail, all of them in one 400: a field spec does not name
// (unknown_field), a required one missing, null or "" (required), a value
// outside its enum (enum), a value of the wrong JSON type (type). The
// details come in a stable order: unknown fields by name, then spec order.
func (b *strictBody) Decode(v any, spec ...Field) *apiError {
	var details []Detail
	var unknown []string
	for name := range b.raw {
		if !slices.ContainsFunc(spec, func(f Field) bool { return f.Name == name }) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		details = append(details, Detail{Field: name, Type: DetailUnknown, Message: fmt.Sprintf("%s is not allowed", name)})
	}
	for _, f := range spec {
		val, present := b.raw[f.Name]
		empty := !present || string(val) == "null" || string(val) == `""`
		if empty {
			if f.Required {
				details = append(details, Detail{Field: f.Name, Type: DetailRequired, Message: fmt.Sprintf("%s is required", f.Name)})
			}
			continue
		}
		if len(f.Enum) == 0 {
			continue
		}
		var s string
		if json.Unmarshal(val, &s) != nil {
			details = append(details, Detail{Field: f.Name, Type: DetailType, Message: fmt.Sprintf("%s must be a string", f.Name)})
			continue
		}
		if !slices.Contains(f.Enum, s) {
			details = append(details, Detail{
				Field: f.Name, Type: DetailEnum, Allowed: slices.Clone(f.Enum),
				Message: fmt.Sprintf("%s must be one of %s", f.Name, strings.Join(f.Enum, ", ")),
			})
		}
	}
	if len(details) > 0 {
		return validationFailed(details...)
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(b.data, v); err != nil {
		d := Detail{Type: DetailType, Message: "the body does not match the schema"}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			d.Field = te.Field
			d.Message = fmt.Sprintf("%s must be a %s", te.Field, jsonKind(te.Type.Kind().String()))
		}
		return validationFailed(d)
	}
	return nil
}

func jsonKind(goKind string) string {
	switch {
	case goKind == "string":
		return "string"
	case goKind == "bool":
		return "boolean"
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "slice", goKind == "array":
		return "array"
	}
	return "object"
}

// decodeStrict reads r's body strictly into v: readStrict, then Decode
// with spec.
func decodeStrict(r *http.Request, v any, spec ...Field) *apiError {
	b, e := readStrict(r)
	if e != nil {
		return e
	}
	return b.Decode(v, spec...)
}

// requireScope answers 403 when who holds none of anyOf: the message says
// what was refused and names the scopes that would do, and one Detail of
// type "scope" lists them. A Basic caller has its client's scopes, a
// Bearer its token's scope claim.
func requireScope(who *caller, what string, anyOf ...string) *apiError {
	if who.has(anyOf...) {
		return nil
	}
	names := strings.Join(anyOf, ", ")
	e := fail(http.StatusForbidden, "insufficient_scope", "Forbidden: %s needs one of the scopes %s", what, names)
	e.details = []Detail{{Type: DetailScope, Scopes: slices.Clone(anyOf), Message: "missing scope"}}
	return e
}
