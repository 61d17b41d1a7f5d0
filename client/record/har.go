package record

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the subset a
// browser's network panel needs to open the file.
type (
	harLog struct {
		Log harBody `json:"log"`
	}
	harBody struct {
		Version string     `json:"version"`
		Creator harCreator `json:"creator"`
		Entries []harEntry `json:"entries"`
	}
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harEntry struct {
		StartedDateTime string      `json:"startedDateTime"`
		Time            float64     `json:"time"`
		Request         harRequest  `json:"request"`
		Response        harResponse `json:"response"`
		Cache           struct{}    `json:"cache"`
		Timings         harTimings  `json:"timings"`
		Comment         string      `json:"comment,omitempty"`
	}
	harRequest struct {
		Method      string       `json:"method"`
		URL         string       `json:"url"`
		HTTPVersion string       `json:"httpVersion"`
		Cookies     []struct{}   `json:"cookies"`
		Headers     []Header     `json:"headers"`
		QueryString []Header     `json:"queryString"`
		PostData    *harPostData `json:"postData,omitempty"`
		HeadersSize int          `json:"headersSize"`
		BodySize    int          `json:"bodySize"`
	}
	harPostData struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	}
	harResponse struct {
		Status      int        `json:"status"`
		StatusText  string     `json:"statusText"`
		HTTPVersion string     `json:"httpVersion"`
		Cookies     []struct{} `json:"cookies"`
		Headers     []Header   `json:"headers"`
		Content     harContent `json:"content"`
		RedirectURL string     `json:"redirectURL"`
		HeadersSize int        `json:"headersSize"`
		BodySize    int        `json:"bodySize"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	}
	harTimings struct {
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
)

// HAR writes exchanges as a HAR 1.2 document. The exchanges are already
// redacted, so the file is safe to attach to a ticket.
func HAR(exchanges []Exchange, version string) ([]byte, error) {
	doc := harLog{Log: harBody{Version: "1.2", Creator: harCreator{Name: "tokenbench", Version: version}, Entries: []harEntry{}}}
	for _, e := range exchanges {
		ms := float64(e.Duration) / float64(time.Millisecond)
		req := harRequest{Method: e.Method, URL: e.URL, HTTPVersion: "HTTP/1.1", Cookies: []struct{}{}, Headers: orEmpty(e.RequestHeaders),
			QueryString: []Header{}, HeadersSize: -1, BodySize: len(e.RequestBody)}
		if u, err := url.Parse(e.URL); err == nil {
			for k, vs := range u.Query() {
				for _, v := range vs {
					req.QueryString = append(req.QueryString, Header{Name: k, Value: v})
				}
			}
		}
		if e.RequestBody != "" {
			req.PostData = &harPostData{MimeType: "application/json", Text: e.RequestBody}
		}
		res := harResponse{Status: e.Status, StatusText: statusText(e.Status), HTTPVersion: "HTTP/1.1", Cookies: []struct{}{},
			Headers: orEmpty(e.ResponseHeaders), RedirectURL: "", HeadersSize: -1, BodySize: len(e.ResponseBody),
			Content: harContent{Size: len(e.ResponseBody), MimeType: e.ContentType, Text: e.ResponseBody}}
		entry := harEntry{StartedDateTime: e.Time.UTC().Format(time.RFC3339Nano), Time: ms, Request: req, Response: res,
			Timings: harTimings{Send: 0, Wait: ms, Receive: 0}}
		if e.Err != "" {
			entry.Comment = "no answer: " + e.Err
			entry.Response.BodySize = -1
		}
		doc.Log.Entries = append(doc.Log.Entries, entry)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	return []byte(textsafe.EscapeJSONControls(string(data))), err
}

func orEmpty(h []Header) []Header {
	if h == nil {
		return []Header{}
	}
	return h
}

func statusText(code int) string {
	if code == 0 {
		return ""
	}
	return http.StatusText(code)
}
