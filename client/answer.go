package client

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/tokenbench/tokenbench/client/record"
)

// This file is the client's reading of an answer's fields, under the key
// rule the redactor learns by (record.FoldKey): whatever the client takes
// from a body, the recorder and the redactor have learnt from the same
// body before anything is recorded or printed.

// decodeObject is the client's lenient reading of a JSON answer: the first
// JSON value of the body (bytes after it are tolerated), numbers kept as
// written. ok is false when the body does not start with a JSON object.
func decodeObject(body []byte) (fields map[string]any, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(body)))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, false
	}
	return fields, true
}

// field is the value of name in fields, matched by record.FoldKey: the exact
// name first, then the first other spelling in sorted order.
func field(fields map[string]any, name string) any {
	if v, ok := fields[name]; ok {
		return v
	}
	want := record.FoldKey(name)
	var keys []string
	for k := range fields {
		if record.FoldKey(k) == want {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return fields[keys[0]]
}

// stringField is field as a string ("" when absent or not a string).
func stringField(fields map[string]any, name string) string {
	s, _ := field(fields, name).(string)
	return s
}
