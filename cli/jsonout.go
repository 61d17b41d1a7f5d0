package cli

import (
	"encoding/json"
	"io"

	"github.com/tokenbench/tokenbench/client"
)

// writeJSON prints v as indented JSON that no terminal acts on: every
// string from a server may hold C1 or bidi controls, which encoding/json
// leaves raw (client.EscapeJSON).
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(client.EscapeJSON(data), '\n'))
	return err
}
