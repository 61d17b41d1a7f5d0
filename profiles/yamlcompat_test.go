package profiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// testdata/yamlv3 was written, and read back, by this package on
// gopkg.in/yaml.v3 (TestGenYAMLv3): the files Store, Export and Secrets
// wrote, two files edited by hand, and as JSON what yaml.v3 read from each.
// Any other YAML library must read them all the same. (github.com/goccy/go-yaml
// v1.19.2 does not: it reads a plain 0123 as "83" and 0x1F as "31", drops
// tabs inside plain scalars and refuses auto_refresh: yes.) The secrets in
// it are fake.
const compatDir = "testdata/yamlv3"

func readCompat(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(compatDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// wantJSON is what yaml.v3 read, as JSON.
func wantJSON[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(readCompat(t, name), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// normal makes an empty Secrets map nil: both mean none and are written
// alike (omitempty).
func normal(ps []Profile) []Profile {
	out := make([]Profile, len(ps))
	for i, p := range ps {
		if len(p.Secrets) == 0 {
			p.Secrets = nil
		}
		out[i] = p
	}
	return out
}

func sameProfiles(t *testing.T, what string, got, want []Profile) {
	t.Helper()
	got, want = normal(got), normal(want)
	if len(got) != len(want) {
		t.Fatalf("%s: %d profiles, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: profile %d:\n got %#v\nwant %#v", what, i, got[i], want[i])
		}
	}
}

func readSecretsFile(t *testing.T, data []byte) map[string]map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SecretsFileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	all, err := (&Secrets{Store: &Store{Dir: dir}}).readFile()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestReadsWhatYAMLv3Wrote(t *testing.T) {
	want := wantJSON[[]Profile](t, "profiles.json")
	f, err := parse("profiles.yaml", readCompat(t, "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, "profiles.yaml", f.Profiles, want)

	// Export keeps the order it is given; the profiles file is sorted.
	exported, err := ParseExport("export.yaml", readCompat(t, "export.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Profile{}
	for _, p := range want {
		byName[p.Name] = p
	}
	if len(exported) != len(want) {
		t.Fatalf("export.yaml: %d profiles, want %d", len(exported), len(want))
	}
	for _, p := range exported {
		sameProfiles(t, "export.yaml", []Profile{p}, []Profile{byName[p.Name]})
	}

	if got, want := readSecretsFile(t, readCompat(t, "secrets.yaml")), wantJSON[map[string]map[string]string](t, "secrets.json"); !reflect.DeepEqual(got, want) {
		t.Errorf("secrets.yaml:\n got %v\nwant %v", got, want)
	}
}

func TestReadsHandEditedFilesAsYAMLv3Did(t *testing.T) {
	want := wantJSON[struct {
		Profiles []Profile                    `json:"hand-profiles.yaml"`
		Secrets  map[string]map[string]string `json:"hand-secrets.yaml"`
	}](t, "hand.json")
	f, err := parse("hand-profiles.yaml", readCompat(t, "hand-profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, "hand-profiles.yaml", f.Profiles, want.Profiles)
	if got := readSecretsFile(t, readCompat(t, "hand-secrets.yaml")); !reflect.DeepEqual(got, want.Secrets) {
		t.Errorf("hand-secrets.yaml:\n got %v\nwant %v", got, want.Secrets)
	}
}

// What this code writes from those files reads back the same.
func TestRoundTripsWhatYAMLv3Wrote(t *testing.T) {
	want := wantJSON[[]Profile](t, "profiles.json")
	st := &Store{Dir: t.TempDir()}
	if err := st.write(&file{Version: FormatVersion, Profiles: want}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, "round trip", got, want)

	all := wantJSON[map[string]map[string]string](t, "secrets.json")
	sec := &Secrets{Store: st}
	if err := sec.updateFile(func(m map[string]map[string]string) {
		for k, v := range all {
			m[k] = v
		}
	}); err != nil {
		t.Fatal(err)
	}
	if back, err := sec.readFile(); err != nil || !reflect.DeepEqual(back, all) {
		t.Errorf("secrets round trip: %v", err)
	}
}
