package qiniuauth

import "net/http"

// Authorizer returns the request hook every Qiniu client hands to httpx: it
// sets Authorization: "Qiniu <AK>:<sign>" over the body httpx sends. It
// reports no derived secret: the signature always follows the AccessKey,
// which is registered for redaction, and redact masks "<masked>:<sign>"
// as a whole — registering every per-request signature would grow the
// redaction set without bound.
func (c Credentials) Authorizer() func(req *http.Request, body []byte) ([]string, error) {
	return func(req *http.Request, body []byte) ([]string, error) {
		_, err := c.SignRequestBody(req, body)
		return nil, err
	}
}
