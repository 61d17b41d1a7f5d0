package doctor

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 29, 14, 0, 0, 0, time.UTC)

func ago(d time.Duration) *time.Time { t := now.Add(-d); return &t }

// fakeDir is a Directory over fixed data that counts its calls.
type fakeDir struct {
	users      []User
	activities map[string][]Activity
	searchErr  error
	searches   int
}

func (f *fakeDir) SearchUsers(_ context.Context, q string) ([]User, error) {
	f.searches++
	if f.searchErr != nil {
		return nil, f.searchErr
	}
	var out []User
	for _, u := range f.users {
		if strings.Contains(strings.ToLower(u.ID+" "+u.Email+" "+u.Name), strings.ToLower(q)) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (f *fakeDir) UserActivities(_ context.Context, id string) ([]Activity, error) {
	return f.activities[id], nil
}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestFindUserExactMatch(t *testing.T) {
	dir := &fakeDir{users: []User{
		{ID: "u1", Email: "ada@example.com", Name: "Ada"},
		{ID: "u2", Email: "ada@example.com.evil", Name: "Not Ada"},
		{ID: "u3", Email: "bob@example.com", Name: "Ada's colleague"},
	}}
	u, err := FindUser(context.Background(), dir, "  ADA@example.com ")
	if err != nil || u.ID != "u1" {
		t.Fatalf("FindUser = %+v, %v; want u1", u, err)
	}
}

func TestFindUserSeveralMatches(t *testing.T) {
	dir := &fakeDir{users: []User{
		{ID: "u1", Email: "ada@example.com", Name: "Ada", DeletedAt: ago(48 * time.Hour)},
		{ID: "u9", Email: "Ada@Example.com", Name: "Ada again"},
	}}
	_, err := FindUser(context.Background(), dir, "ada@example.com")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Matches) != 2 {
		t.Fatalf("err = %v; want AmbiguousError with 2 matches", err)
	}
	for _, want := range []string{"2 account users", "id u1, deleted", "id u9"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Either is reachable by its id, which the error lists.
	u, err := FindUser(context.Background(), dir, "u9")
	if err != nil || u.ID != "u9" {
		t.Fatalf("by id: %+v, %v", u, err)
	}
}

func TestFindUserNoMatchListsNear(t *testing.T) {
	dir := &fakeDir{users: []User{{ID: "u1", Email: "ada.l@example.com", Name: "Ada"}}}
	_, err := FindUser(context.Background(), dir, "ada")
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Near) != 1 || !strings.Contains(err.Error(), "ada.l@example.com") {
		t.Fatalf("err = %v; want NotFoundError naming the near match", err)
	}
	_, err = FindUser(context.Background(), dir, "zed@example.com")
	if !errors.As(err, &nf) || err.Error() != `no account user matches "zed@example.com"` {
		t.Fatalf("err = %v", err)
	}
}

func TestFindUserErrorsWrapTheCause(t *testing.T) {
	cause := errors.New("403 forbidden: missing scope read:accounts")
	_, err := FindUser(context.Background(), &fakeDir{searchErr: cause}, "a@b.c")
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v; want it to wrap the cause", err)
	}
}

func TestEveryRuleWithItsData(t *testing.T) {
	tokenAt := func(id string, d time.Duration, ip string) Activity {
		return Activity{ID: id, CreatedAt: now.Add(-d), Action: ActionToken, IP: ip, UserAgent: "curl/8"}
	}
	mfaOn := MFA{SMS: Factor{Enabled: true, UpdatedAt: ago(90 * 24 * time.Hour)}}
	cases := []struct {
		name     string
		user     User
		acts     []Activity
		want     []string // rules, in order
		contains []string // text of the findings
	}{
		{
			name: "healthy user says nothing",
			user: User{MFA: mfaOn, LastSeenAt: ago(time.Hour)},
			acts: []Activity{tokenAt("a1", time.Hour, "203.0.113.7")},
		},
		{
			name:     "deleted",
			user:     User{MFA: mfaOn, DeletedAt: ago(3 * 24 * time.Hour)},
			want:     []string{"deleted"},
			contains: []string{"user deleted on 2026-11-26 14:00 UTC (3d 0h ago)"},
		},
		{
			name:     "external identity provider",
			user:     User{MFA: mfaOn, AuthenticationType: "external", LastSeenAt: ago(time.Hour)},
			acts:     []Activity{tokenAt("a1", time.Hour, "203.0.113.7")},
			want:     []string{"external-idp"},
			contains: []string{"the password grant will not work", "account_user_token"},
		},
		{
			name:     "no factor",
			user:     User{LastSeenAt: ago(time.Hour)},
			acts:     []Activity{tokenAt("a1", time.Hour, "203.0.113.7")},
			want:     []string{"no-mfa"},
			contains: []string{"no MFA factor enabled"},
		},
		{
			name:     "SMS changed two hours ago",
			user:     User{MFA: MFA{SMS: Factor{Enabled: true, UpdatedAt: ago(2 * time.Hour)}}, LastSeenAt: ago(time.Hour)},
			acts:     []Activity{tokenAt("a1", time.Hour, "203.0.113.7")},
			want:     []string{"factor-changed"},
			contains: []string{"SMS factor changed 2h 0m ago (now on)"},
		},
		{
			name: "TOTP turned off yesterday, SMS still on",
			user: User{MFA: MFA{SMS: Factor{Enabled: true}, TOTP: Factor{UpdatedAt: ago(26 * time.Hour)}}, LastSeenAt: ago(time.Hour)},
			acts: []Activity{tokenAt("a1", time.Hour, "203.0.113.7")},
			want: []string{"factor-changed"}, contains: []string{"TOTP factor changed 26h 0m ago (now turned off)"},
		},
		{
			name:     "no token in 30 days, from the activity log",
			user:     User{MFA: mfaOn, LastSeenAt: ago(time.Hour)}, // seen, but no token
			acts:     []Activity{tokenAt("a7", 41*24*time.Hour, "203.0.113.7")},
			want:     []string{"stale"},
			contains: []string{"no token issued in 30 days (the last 2026-10-19 14:00 UTC (41d 0h ago))"},
		},
		{
			name:     "no token in 30 days, from last_seen_at",
			user:     User{MFA: mfaOn, LastSeenAt: ago(35 * 24 * time.Hour)},
			want:     []string{"stale"},
			contains: []string{"(last seen 2026-10-25 14:00 UTC (35d 0h ago))"},
		},
		{
			name: "never seen", user: User{MFA: mfaOn},
			want: []string{"stale"}, contains: []string{"never seen"},
		},
		{
			name: "last 5 token requests from 3 IPs",
			user: User{MFA: mfaOn, LastSeenAt: ago(time.Minute)},
			acts: []Activity{
				tokenAt("a1", 1*time.Minute, "198.51.100.1"),
				{ID: "x", CreatedAt: now.Add(-90 * time.Second), Action: "user.updated", IP: "192.0.2.99"},
				tokenAt("a2", 2*time.Minute, "198.51.100.2"),
				tokenAt("a3", 3*time.Minute, "198.51.100.1"),
				tokenAt("a4", 4*time.Minute, "198.51.100.3"),
				tokenAt("a5", 5*time.Minute, "198.51.100.1"),
				tokenAt("a6", 6*time.Minute, "198.51.100.4"), // outside the window
			},
			want:     []string{"many-ips"},
			contains: []string{"last 5 token requests from 3 different IPs: 198.51.100.1, 198.51.100.2, 198.51.100.3"},
		},
		{
			// This machine's address is named whole, not cut mid-word by
			// the list's bound on each item.
			name: "token requests from this machine and another IP",
			user: User{MFA: mfaOn, LastSeenAt: ago(time.Minute)},
			acts: []Activity{tokenAt("a1", 1*time.Minute, "127.0.0.1"), tokenAt("a2", 2*time.Minute, "198.51.100.2")},
			want: []string{"many-ips"}, contains: []string{"from 2 different IPs: 127.0.0.1 (this machine: tokenbench's own requests), 198.51.100.2"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Diagnose(c.user, c.acts, now)
			if fmt.Sprint(rulesOf(got)) != fmt.Sprint(c.want) {
				t.Fatalf("rules = %v; want %v (%+v)", rulesOf(got), c.want, got)
			}
			var text []string
			for _, f := range got {
				if len(f.Evidence) == 0 {
					t.Errorf("finding %q has no evidence", f.Rule)
				}
				text = append(text, f.Text)
			}
			all := strings.Join(text, "\n")
			for _, want := range c.contains {
				if !strings.Contains(all, want) {
					t.Errorf("findings %q lack %q", all, want)
				}
			}
		})
	}
}

func TestTwoIPsIsInfoThreeIsWarning(t *testing.T) {
	acts := []Activity{
		{ID: "1", CreatedAt: now.Add(-time.Minute), Action: ActionToken, IP: "a"},
		{ID: "2", CreatedAt: now.Add(-2 * time.Minute), Action: ActionToken, IP: "b"},
	}
	u := User{MFA: MFA{SMS: Factor{Enabled: true}}, LastSeenAt: ago(time.Minute)}
	if f := Diagnose(u, acts, now); len(f) != 1 || f[0].Severity != Info {
		t.Fatalf("two IPs: %+v", f)
	}
	acts = append(acts, Activity{ID: "3", CreatedAt: now.Add(-3 * time.Minute), Action: ActionToken, IP: "c"})
	if f := Diagnose(u, acts, now); len(f) != 1 || f[0].Severity != Warning {
		t.Fatalf("three IPs: %+v", f)
	}
}

func TestParseToleratesDrift(t *testing.T) {
	users, err := ParseUsers([]byte(`{"users":[{"id":"u1","email":"a@b.c","scope":"read:accounts write:accounts",
		"last_seen_at":"2026-11-29T12:00:00Z","deleted_at":null,"authentication_type":"external",
		"roles":[{"name":"admin","scope":["admin:accounts"]}],
		"configuration":{"mfa":{"sms":{"enabled":"yes","updated_at":"not a time"},"totp":{"enabled":true,"updated_at":"2026-11-28T10:00:00.5Z"}}}}]}`))
	if err != nil || len(users) != 1 {
		t.Fatalf("ParseUsers = %v, %v", users, err)
	}
	u := users[0]
	if !u.External() || u.DeletedAt != nil || u.LastSeenAt == nil || u.MFA.SMS.Enabled || u.MFA.SMS.UpdatedAt != nil ||
		!u.MFA.TOTP.Enabled || u.MFA.TOTP.UpdatedAt == nil || fmt.Sprint(u.Scope) != "[read:accounts write:accounts]" ||
		len(u.Roles) != 1 || fmt.Sprint(u.Roles[0].Scope) != "[admin:accounts]" {
		t.Fatalf("parsed %+v", u)
	}
	for _, bad := range []string{``, `<html>502</html>`, `{"error":{"code":"forbidden"}}`, `[1,2]`} {
		if _, err := ParseUsers([]byte(bad)); err == nil {
			t.Errorf("ParseUsers(%q) took garbage", bad)
		}
	}
	acts, err := ParseActivities([]byte(`[{"id":"e1","created_at":"2026-11-29T12:01:00Z","action":"auth.token",
		"actor":{"id":"c1"},"entity":"user","context":{"ip":"203.0.113.7","user_agent":"tokenbench/1"}}]`))
	if err != nil || len(acts) != 1 || acts[0].Actor != "c1" || acts[0].IP != "203.0.113.7" || acts[0].CreatedAt.IsZero() {
		t.Fatalf("ParseActivities = %+v, %v", acts, err)
	}
}

func TestRunKeepsTheLatest20AndTextIsSanitised(t *testing.T) {
	var acts []Activity
	for i := range 30 {
		acts = append(acts, Activity{ID: fmt.Sprint(i), CreatedAt: now.Add(-time.Duration(i) * time.Hour), Action: ActionToken, IP: "203.0.113.7",
			UserAgent: "evil\x1b]52;c;aGk=\x07\u202eagent"})
	}
	dir := &fakeDir{users: []User{{ID: "u1", Email: "ada@example.com", Name: "Ada\x1b[2J", MFA: MFA{SMS: Factor{Enabled: true}}}},
		activities: map[string][]Activity{"u1": acts}}
	r, err := Run(context.Background(), dir, "T11223344", "ada@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Activities) != ActivityShown || r.Activities[0].ID != "0" {
		t.Fatalf("kept %d activities starting at %s", len(r.Activities), r.Activities[0].ID)
	}
	var b strings.Builder
	if err := r.WriteText(&b, now); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Fatalf("report holds %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"T11223344 TEST", "SMS on", "TOTP off", "activity (latest 20, newest first)", "findings"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// An unknown sign-in type is not called a Dintero password, and an event
// in the future is flagged rather than counted down.
func TestReportUnknownSignInAndFutureTimes(t *testing.T) {
	future := now.AddDate(300, 0, 0)
	dir := &fakeDir{users: []User{{ID: "u1", Email: "ada@example.com", Name: "Ada", AuthenticationType: "xyz", LastSeenAt: &future,
		MFA: MFA{SMS: Factor{Enabled: true, UpdatedAt: &future}}}},
		activities: map[string][]Activity{"u1": {{ID: "1", CreatedAt: future, Action: ActionToken}}}}
	r, err := Run(context.Background(), dir, "T11223344", "ada@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteText(&b, now); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"signs in    xyz (unknown sign-in type)", "(in the future: clock skew?)", "SMS on (changed in the future: clock skew?)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Dintero password") || strings.Contains(out, "106751d") || regexp.MustCompile(`\(in \d`).MatchString(out) {
		t.Errorf("report:\n%s", out)
	}
}
