package textsafe

import "mime"

// MediaType is a Content-Type header as it may be shown: its media type
// without parameters ("application/json"), or a short sanitised excerpt
// of the header when it does not parse.
func MediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return Excerpt([]byte(contentType), 40)
	}
	return mt
}
