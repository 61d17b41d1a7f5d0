package bundle

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/doctor"
)

// A bundle holds its case, not the session: a ticket about one user must
// not carry another customer's e-mail, account or diagnosis. The case is
// worked out from what the recorder kept, without the secrets: every token
// in a recorded exchange is a fingerprint ("[sha256:…]"), the same one
// wherever the token appears, so a token an answer issued can be followed
// to the requests that used it.

// Case is what of the session a bundle holds.
type Case struct {
	// Exchanges are the case's, oldest first (answers to a user search
	// trimmed to the case's user).
	Exchanges []record.Exchange
	// Left is how many exchanges of the session were left out.
	Left int
	// Trimmed is how many other users were cut from search answers.
	Trimmed int
	// TrimmedClients is how many other API clients and grants were cut
	// from the answers a client diagnosis read.
	TrimmedClients int
	// Dropped is how many search answers were left out whole: their shape
	// is not one the diagnosis reads, so they could not be trimmed.
	Dropped int
	// Whole says the whole session was asked for.
	Whole bool
}

// Case selects the exchanges of the bundle's case: the requests of its
// user on its account, and the Bearer chain they used (the
// client_credentials token, a partner's exchange token). A bundle without
// a user is about its token (the request that issued it, those that used
// it and its chain) or, with no token, about its client on its account.
// WholeSession keeps everything.
func (in Input) Case() Case {
	if in.WholeSession {
		return Case{Exchanges: in.Exchanges, Whole: true}
	}
	user := in.caseUser()
	s := scan(in.Exchanges)
	keep := make([]bool, len(s.info))
	var seeds []int
	switch {
	case user != "":
		for i, x := range s.info {
			if !s.onAccount(i, in.Account) {
				continue
			}
			// The account's signing keys (public, no one's data) checked
			// the case's token, whichever Bearer fetched them.
			keys := x.owner == "" && strings.HasSuffix(pathOf(in.Exchanges[i].URL), "/auth/keys")
			if x.owner == user || keys || (x.search && listsUser(in.Exchanges[i].ResponseBody, user)) {
				seeds = append(seeds, i)
			}
		}
	case in.AccessToken != "":
		fp := "[" + record.Fingerprint(in.AccessToken) + "]"
		if at, ok := s.issuer[fp]; ok && s.info[at].owner == "" {
			seeds = append(seeds, at)
		}
		for i, x := range s.info {
			if x.owner == "" && x.uses(fp) {
				seeds = append(seeds, i)
			}
		}
	}
	if in.DiagnosedClient != "" {
		// A client diagnosis's reads of the account's clients and grants
		// (cut to the client below).
		// And the diagnosed client's own token requests on the account
		// that carry no other user's data: the failure it explains.
		for i, x := range s.info {
			e := in.Exchanges[i]
			own := strings.HasSuffix(pathOf(e.URL), "/auth/token") && (x.owner == "" || x.owner == user) &&
				(e.BasicUser == in.DiagnosedClient || e.Fields["client_id"] == in.DiagnosedClient)
			if (x.clients || own) && s.onAccount(i, in.Account) {
				seeds = append(seeds, i)
			}
		}
	}
	if len(seeds) == 0 {
		// Nothing names the user or the token (a run that failed before
		// it got that far): the client's own exchanges on the account,
		// which carry no user's data, say why.
		for i, x := range s.info {
			if x.owner == "" && s.onAccount(i, in.Account) {
				seeds = append(seeds, i)
			}
		}
	}
	// The Bearer chain: whatever issued a token a kept request used, and
	// what that request used in turn.
	for len(seeds) > 0 {
		i := seeds[len(seeds)-1]
		seeds = seeds[:len(seeds)-1]
		if keep[i] {
			continue
		}
		keep[i] = true
		for _, fp := range s.info[i].used {
			if at, ok := s.issuer[fp]; ok && at < i && !keep[at] && (s.info[at].owner == "" || s.info[at].owner == user) {
				seeds = append(seeds, at)
			}
		}
	}
	var c Case
	for i, e := range in.Exchanges {
		if !keep[i] {
			c.Left++
			continue
		}
		if s.info[i].search && user != "" {
			var n int
			var dropped bool
			e.ResponseBody, n, dropped = trimSearch(e.ResponseBody, user, s.ids)
			c.Trimmed += n
			if dropped {
				c.Dropped++
			}
		}
		if s.info[i].clients {
			var n int
			var dropped bool
			e.ResponseBody, n, dropped = trimClients(e.ResponseBody, in.DiagnosedClient, in.Exchanges)
			c.TrimmedClients += n
			if dropped {
				c.Dropped++
			}
		}
		c.Exchanges = append(c.Exchanges, e)
	}
	return c
}

// caseUser is the user the bundle is about, lower-cased: the one named,
// else the diagnosed one.
func (in Input) caseUser() string {
	u := in.User
	if u == "" && in.Doctor != nil {
		u = in.Doctor.User.Email
	}
	return norm(u)
}

// CaseOf is the case of the exchange with id among all: the user it
// belongs to (the one it names, or whose token or MFA session it used; ""
// for a client's own request) and its account. A bundle of that user on
// that account (Input.User, Input.Account) holds it and its Bearer chain.
func CaseOf(all []record.Exchange, id int) (user, account string) {
	s := scan(all)
	for i, e := range all {
		if e.ID == id {
			return s.info[i].owner, s.info[i].account
		}
	}
	return "", ""
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// exInfo is what the case needs to know about one exchange.
type exInfo struct {
	account string
	// named is the user the request names ("" for none); owner is named,
	// or the user whose token or MFA session the request used.
	named, owner string
	// used and issued are token fingerprints: those the request sent
	// (Bearer, mfa_token, oob_code, refresh_token), those its answer gave.
	used, issued []string
	search       bool
	// clients is a read of the account's API clients or client grants.
	clients bool
}

func (x exInfo) uses(fp string) bool {
	for _, u := range x.used {
		if u == fp {
			return true
		}
	}
	return false
}

type scanned struct {
	info []exInfo
	// issuer is the index of the exchange whose answer first gave a token.
	issuer map[string]int
	// ids are user ids seen in search answers, with their e-mails.
	ids map[string]string
}

func (s scanned) onAccount(i int, account string) bool {
	return account == "" || s.info[i].account == "" || strings.EqualFold(s.info[i].account, account)
}

// scan reads the exchanges in order: a token is issued before it is used,
// so one pass gives every request its owner.
func scan(all []record.Exchange) scanned {
	s := scanned{issuer: map[string]int{}, ids: map[string]string{}}
	owner := map[string]string{} // token fingerprint → its user
	for i, e := range all {
		x := exInfo{account: accountOf(e.URL)}
		path, query := splitURL(e.URL)
		switch {
		case strings.HasSuffix(path, "/management/users"):
			x.search = true
			x.named = norm(query.Get("search"))
			for id, email := range searchUsers(e.ResponseBody) {
				s.ids[id] = email
			}
			if email, ok := s.ids[x.named]; ok {
				x.named = email
			}
		case strings.HasSuffix(path, "/auth/clients"), strings.Contains(path, "/auth/clients/"), strings.HasSuffix(path, "/auth/client-grants"):
			x.clients = true
		case strings.HasSuffix(path, "/activities"):
			parts := strings.Split(strings.TrimSuffix(path, "/activities"), "/")
			x.named = userByID(s.ids, parts[len(parts)-1])
		}
		for _, k := range []string{"username", "email"} {
			if v := e.Fields[k]; v != "" && x.named == "" {
				x.named = norm(v)
			}
		}
		if v := e.Fields["ident"]; v != "" && x.named == "" {
			x.named = userByID(s.ids, v)
		}
		if v := e.Fields["user_id"]; v != "" && x.named == "" {
			x.named = userByID(s.ids, v)
		}
		x.used = usedTokens(e)
		x.issued = issuedTokens(e.ResponseBody)
		x.owner = x.named
		for _, fp := range x.used {
			if o := owner[fp]; o != "" && x.owner == "" {
				x.owner = o
			}
		}
		for _, fp := range x.issued {
			if _, seen := s.issuer[fp]; !seen {
				s.issuer[fp] = i
			}
			if x.owner != "" {
				owner[fp] = x.owner
			}
		}
		s.info = append(s.info, x)
	}
	return s
}

func userByID(ids map[string]string, v string) string {
	if email, ok := ids[v]; ok {
		return email
	}
	return norm(v)
}

// splitURL is a recorded URL's path and query.
func splitURL(u string) (string, url.Values) {
	p, err := url.Parse(u)
	if err != nil {
		return pathOf(u), url.Values{}
	}
	return p.Path, p.Query()
}

// accountOf is the account id of an account URL (…/accounts/ID/…).
func accountOf(u string) string {
	path, _ := splitURL(u)
	_, rest, ok := strings.Cut(path, "/accounts/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// isFingerprint says v is a token as the recorder keeps it.
func isFingerprint(v string) bool { return strings.HasPrefix(v, "[sha256:") }

// usedTokens are the tokens a request sent: its Bearer and the secret
// fields of its body that stand for a session or a token.
func usedTokens(e record.Exchange) []string {
	var out []string
	for _, h := range e.RequestHeaders {
		if strings.EqualFold(h.Name, "Authorization") {
			if _, v, ok := strings.Cut(h.Value, " "); ok && isFingerprint(v) {
				out = append(out, v)
			}
		}
	}
	var body map[string]any
	if json.Unmarshal([]byte(e.RequestBody), &body) == nil {
		for _, k := range []string{"mfa_token", "oob_code", "refresh_token", "token"} {
			if v, ok := body[k].(string); ok && isFingerprint(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// issuedTokens are the tokens an answer gave, wherever they sit in it (an
// mfa_required answer nests its mfa_token).
func issuedTokens(body string) []string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 3 {
			return
		}
		if m, ok := v.(map[string]any); ok {
			for k, val := range m {
				switch k {
				case "access_token", "refresh_token", "id_token", "mfa_token", "oob_code":
					if s, ok := val.(string); ok && isFingerprint(s) {
						out = append(out, s)
					}
				default:
					walk(val, depth+1)
				}
			}
		}
	}
	walk(v, 0)
	return out
}

// searchUsers are the users of a search answer, by id. The answer is read
// as the diagnosis reads it (doctor.ListItems): a list, bare or wrapped.
func searchUsers(body string) map[string]string {
	out := map[string]string{}
	users, _, ok := searchList(body)
	if !ok {
		return out
	}
	for _, u := range users {
		id, _ := u["id"].(string)
		email, _ := u["email"].(string)
		if id != "" {
			out[id] = norm(email)
		}
	}
	return out
}

// searchList reads a user search answer by doctor's own parse. ok is false
// for any other shape (or a list with something other than objects in it).
func searchList(body string) (users []map[string]any, wrap string, ok bool) {
	items, wrap, err := doctor.ListItems([]byte(body), "users")
	if err != nil {
		return nil, "", false
	}
	for _, it := range items {
		var u map[string]any
		if json.Unmarshal(it, &u) != nil || u == nil {
			return nil, "", false
		}
		users = append(users, u)
	}
	return users, wrap, true
}

// listsUser says a search answer lists user (by e-mail or id).
func listsUser(body, user string) bool {
	for id, email := range searchUsers(body) {
		if email == user || norm(id) == user {
			return true
		}
	}
	return false
}

// searchDropped is the body of a search answer left out whole.
const searchDropped = "[tokenbench: this user search answer was left out: its shape is not one tokenbench reads, so it could not be cut to the case's user]"

// clientsDropped is the body of a clients or grants answer left out whole.
const clientsDropped = "[tokenbench: this answer was left out: its shape is not one tokenbench reads, so it could not be cut to the diagnosed API client]"

// trimSearch keeps only the case's user in a search answer, and says how
// many others it cut. The answer is read by the diagnosis's parse, bare or
// wrapped ({"users":[…]}, {"data":[…]}, {"items":[…]}); a wrapped one keeps
// only its list (its other members may name other users too). An answer of
// any other shape is dropped (dropped), never kept whole.
func trimSearch(body, user string, ids map[string]string) (out string, cut int, dropped bool) {
	users, wrap, ok := searchList(body)
	if !ok {
		return searchDropped, 0, true
	}
	kept := []map[string]any{}
	for _, u := range users {
		id, _ := u["id"].(string)
		email, _ := u["email"].(string)
		if norm(email) == user || (id != "" && norm(id) == user) || (id != "" && ids[id] == user && email == "") {
			kept = append(kept, u)
		}
	}
	if len(kept) == len(users) && wrap == "" {
		return body, 0, false
	}
	var v any = kept
	if wrap != "" {
		v = map[string]any{wrap: kept}
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return searchDropped, len(users), true
	}
	return string(data), len(users) - len(kept), false
}

// trimClients keeps only the diagnosed client in a clients answer, and
// only its grants in a grants answer (a grant names its client by the
// client's id or client_id; the ids come from the clients answers of the
// session). It says how many others it cut; an answer that is not a list
// is left out whole (dropped), since it could name other clients. Without
// a diagnosed client, every entry is cut.
func trimClients(body, clientID string, all []record.Exchange) (string, int, bool) {
	var list []map[string]any
	if json.Unmarshal([]byte(body), &list) != nil {
		var one map[string]any
		switch {
		case strings.TrimSpace(body) == "":
			return body, 0, false
		case json.Unmarshal([]byte(body), &one) == nil && clientID != "" && one["client_id"] == clientID:
			return body, 0, false // auth/clients/{id}: the diagnosed client itself
		}
		return clientsDropped, 0, true
	}
	names := map[string]bool{}
	if clientID != "" {
		names[clientID] = true
		for _, e := range all {
			var cs []map[string]any
			if json.Unmarshal([]byte(e.ResponseBody), &cs) != nil {
				continue
			}
			for _, c := range cs {
				if cid, _ := c["client_id"].(string); cid == clientID {
					if id, _ := c["id"].(string); id != "" {
						names[id] = true
					}
				}
			}
		}
	}
	kept := []map[string]any{}
	for _, item := range list {
		cid, _ := item["client_id"].(string)
		id, _ := item["id"].(string)
		if names[cid] || (id != "" && names[id] && item["audience"] == nil) {
			kept = append(kept, item)
		}
	}
	if len(kept) == len(list) {
		return body, 0, false
	}
	data, err := json.MarshalIndent(kept, "", "  ")
	if err != nil {
		return clientsDropped, len(list), true
	}
	return string(data), len(list) - len(kept), false
}
