package cli

import (
	"archive/zip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// A user search answer that the diagnosis reads wrapped ({"users":[…]},
// {"data":[…]}, {"items":[…]}) is cut to the case's user in the bundle, as
// a bare list is; one of a shape nobody reads is left out whole, never
// kept. summary.md says what was cut.
func TestDoctorBundleCutsWrappedSearchAnswers(t *testing.T) {
	others := []string{"victim.other@customer-b.example", "ceo@customer-c.example"}
	for _, wrap := range []string{"bare", "users", "data", "items", "results"} {
		t.Run(wrap, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case r.Method == http.MethodPost:
					enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
					now := time.Now().Unix()
					tok := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(map[string]any{"iss": "x", "sub": "client:c", "aud": "a", "exp": now + 600, "iat": now, "scope": "read:accounts"}) + ".c2ln"
					json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 600})
				case strings.HasSuffix(r.URL.Path, "/management/users"):
					u := func(id, email string) map[string]any {
						return map[string]any{"id": id, "email": email, "name": "N", "active": true, "phone_number": "+4799123456"}
					}
					users := []map[string]any{u("usr_target", "target@example.com"), u("usr_other1", others[0]), u("usr_other2", others[1])}
					var body any = users
					if wrap != "bare" {
						body = map[string]any{wrap: users, "next": others[0]}
					}
					json.NewEncoder(w).Encode(body)
				default:
					io.WriteString(w, "[]")
				}
			}))
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "ticket.zip")
			r := runCLI(t, secretEnv, "", "doctor", "--base-url", srv.URL+"/v1", "--account", dinterotest.DemoAccount, "--client-id", "c", "--user", "target@example.com", "--bundle", path)
			if !strings.Contains(r.stderr, "support bundle written to "+path) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			zr, err := zip.OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			var all, summary strings.Builder
			for _, f := range zr.File {
				rc, _ := f.Open()
				data, _ := io.ReadAll(rc)
				rc.Close()
				all.Write(data)
				if f.Name == "summary.md" {
					summary.Write(data)
				}
			}
			for _, o := range append(others, "usr_other1", "usr_other2") {
				if strings.Contains(all.String(), o) || strings.Contains(all.String(), strings.ReplaceAll(o, ".", `\.`)) {
					t.Fatalf("the bundle holds another customer's %s", o)
				}
			}
			want := "2 other user(s) were cut from user search answers"
			if wrap == "results" {
				want = "1 user search or client answer(s) of a shape tokenbench does not read were left out whole"
			}
			if !strings.Contains(summary.String(), want) {
				t.Fatalf("summary.md does not say %q:\n%s", want, summary.String())
			}
		})
	}
}
