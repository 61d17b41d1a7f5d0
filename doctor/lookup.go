package doctor

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Directory is where users and their activity are read from: the account's
// management API (APIDirectory), or a fake in tests.
type Directory interface {
	SearchUsers(ctx context.Context, query string) ([]User, error)
	UserActivities(ctx context.Context, userID string) ([]Activity, error)
}

// NotFoundError says no user has exactly that e-mail; Near lists what the
// search found instead (names that merely contain the query).
type NotFoundError struct {
	Query string
	Near  []User
}

func (e *NotFoundError) Error() string {
	if len(e.Near) == 0 {
		return fmt.Sprintf("no account user matches %q", e.Query)
	}
	return fmt.Sprintf("no account user has the e-mail %q; the search found %s", e.Query, listUsers(e.Near))
}

// AmbiguousError says several users have that e-mail (a deleted one and a
// new one, say); the caller picks by id.
type AmbiguousError struct {
	Query   string
	Matches []User
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%d account users match %q: %s; name one by its id", len(e.Matches), e.Query, listUsers(e.Matches))
}

// MaxListed bounds how many users an error names.
const MaxListed = 5

func listUsers(us []User) string {
	var parts []string
	for i, u := range us {
		if i == MaxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(us)-MaxListed))
			break
		}
		s := fmt.Sprintf("%s <%s> (id %s", clean(u.Name), clean(u.Email), clean(u.ID))
		if u.DeletedAt != nil {
			s += ", deleted"
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

// FindUser searches for query and keeps the user whose e-mail is query
// (case-insensitively) or whose id is query. Exactly one must match.
func FindUser(ctx context.Context, dir Directory, query string) (User, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return User{}, fmt.Errorf("no user given: pass the user's e-mail")
	}
	found, err := dir.SearchUsers(ctx, query)
	if err != nil {
		return User{}, fmt.Errorf("searching account users: %w", err)
	}
	var exact []User
	for _, u := range found {
		if strings.EqualFold(strings.TrimSpace(u.Email), query) || u.ID == query {
			exact = append(exact, u)
		}
	}
	switch len(exact) {
	case 1:
		return exact[0], nil
	case 0:
		return User{}, &NotFoundError{Query: query, Near: found}
	}
	return User{}, &AmbiguousError{Query: query, Matches: exact}
}

// ActivityShown is how many of the latest activities a report keeps.
const ActivityShown = 20

// ActivityHeading says how many activities a report shows: "latest 8,
// newest first" (at most ActivityShown).
func ActivityHeading(n int) string {
	return fmt.Sprintf("latest %d, newest first", n)
}

// Report is everything the doctor found out about one user.
type Report struct {
	Account     string     `json:"account"`
	Query       string     `json:"query"`
	GeneratedAt time.Time  `json:"generated_at"`
	User        User       `json:"user"`
	Activities  []Activity `json:"activities"`
	Findings    []Finding  `json:"findings"`
}

// Run finds the user, reads the activity log and applies the rules. The
// activity log is read after the user is found, so a search that fails
// costs one request.
func Run(ctx context.Context, dir Directory, account, query string, now time.Time) (*Report, error) {
	u, err := FindUser(ctx, dir, query)
	if err != nil {
		return nil, err
	}
	acts, err := dir.UserActivities(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the activity of %s: %w", clean(u.Email), err)
	}
	acts = newestFirst(acts)
	r := &Report{Account: account, Query: query, GeneratedAt: now, User: u, Findings: Diagnose(u, acts, now)}
	if len(acts) > ActivityShown {
		acts = acts[:ActivityShown]
	}
	r.Activities = acts
	return r, nil
}
