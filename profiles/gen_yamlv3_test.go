package profiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestGenYAMLv3 wrote testdata/yamlv3 with the yaml.v3 code (GEN=1). Run it
// again only on that code: the files are what a replacement must read.
func TestGenYAMLv3(t *testing.T) {
	if os.Getenv("GEN") == "" {
		t.Skip()
	}
	out := "testdata/yamlv3"
	dir := t.TempDir()
	st := &Store{Dir: dir}
	tricky := []string{"yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "", " ", "123", "0123", "0x1F", "1e3", "1_000", ".5", "-.inf", ".NaN",
		"2026-11-28", "12:30:45", "a: b", "a #b", "#x", "- x", "? x", "[x]", "{x}", "&a", "*a", "!t", "%x", "@x", "`x", "'q'", `"dq"`, "back\\slash",
		" lead", "trail ", "tab\tin", "line1\nline2", "line1\nline2\n", "\nlead-nl", "crlf\r\nx", "uni ✓ é 中", "bidi \u202e x", "ctl \x01 x", "emoji 🔑", "|", ">", "---", "...", "a\u00a0b",
		"<<", "=", "0o17", "+1", "1.0", "0b101", "very long " + string(make([]byte, 0)) + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyy"}
	full := fullProfile()
	full.KeepTokens, full.AutoRefresh, full.RefreshBefore = true, true, Duration(90*time.Second)
	ps := []Profile{
		full,
		{Name: "minimal", Account: "T11223344", Grant: "client_credentials"},
		{Name: "partner", Account: "T11200001", Partner: "T11200000", Grant: "client_credentials", ClientID: "pc", Secrets: map[Kind]Source{ClientSecret: SourceFile}, RefreshBefore: Duration(2*time.Minute + 500*time.Millisecond)},
		{Name: "Upper.case_x-1", Account: "P00000002", Grant: "authorization_code", RedirectURI: "http://localhost:8080/cb?x=1&y=#f", Notes: "multi\n  indented\n\ttab\n", ClientID: "123", Username: "yes"},
		{Name: "refresh", Account: "T11223344", Grant: "refresh_token", Secrets: map[Kind]Source{RefreshToken: SourceFile, Bearer: SourceFile}, KeepTokens: true, Notes: "a: b # not a comment"},
		{Name: "-dash", Account: "T11223344", Grant: "password", Username: "u@example.com", Notes: "loaded from an old file", Secrets: map[Kind]Source{Password: "cmd:  echo 'x: y' # z"}},
	}
	for i, s := range tricky {
		ps = append(ps, Profile{Name: "n" + string(rune('a'+i/26)) + string(rune('a'+i%26)), Account: "T11223344", Grant: "password", Username: s, Notes: s, ClientID: s})
	}
	// Write as Update does (the name "-dash" would not pass Add).
	if err := st.Update(func([]Profile) ([]Profile, error) { return ps, nil }); err != nil {
		t.Fatal(err)
	}
	copyFile(t, st.Path(), filepath.Join(out, "profiles.yaml"))
	exp, err := Export(ps)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, "export.yaml"), exp)
	sec := &Secrets{Store: st}
	var n int
	for _, base := range ps[:3] {
		for _, s := range tricky {
			p := base
			p.Secrets = map[Kind]Source{ClientSecret: SourceFile, Password: SourceFile, Bearer: SourceFile, RefreshToken: SourceFile}
			k := Kinds[n%4]
			p.Name = p.Name + "-" + string(rune('a'+n%26)) + string(rune('a'+n/26))
			n++
			if err := sec.Put(p, k, "fake-"+s); err != nil {
				t.Fatal(err)
			}
			if err := sec.Put(p, Kinds[(n+1)%4], s); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyFile(t, sec.filePath(), filepath.Join(out, "secrets.yaml"))
	// What the yaml.v3 code reads back, as JSON.
	loaded, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	all, err := sec.readFile()
	if err != nil {
		t.Fatal(err)
	}
	hand := map[string]any{}
	for _, name := range []string{"hand-profiles.yaml", "hand-secrets.yaml"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "hand-profiles.yaml" {
			f, err := parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			hand[name] = f.Profiles
		} else {
			hdir := t.TempDir()
			writeFile(t, filepath.Join(hdir, SecretsFileName), data)
			v, err := (&Secrets{Store: &Store{Dir: hdir}}).readFile()
			if err != nil {
				t.Fatal(err)
			}
			hand[name] = v
		}
	}
	for name, v := range map[string]any{"profiles.json": loaded, "secrets.json": all, "hand.json": hand} {
		data, _ := json.MarshalIndent(v, "", "  ")
		writeFile(t, filepath.Join(out, name), data)
	}
}

func copyFile(t *testing.T, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, data)
}

func writeFile(t *testing.T, path string, data []byte) {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
