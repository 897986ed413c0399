# Intake and notifications (issue 5).
#   make sms FROM=+8613800000001 TEXT="厨房漏水"   a Twilio-signed SMS webhook post to the running local stack
#   make call DIGITS=1 SPEECH="卫生间漏水"           one turn of the phone menu (STEP=menu|describe KIND=repair)
# The signature is computed by the twilio package over the stack's public URL, keyed by the development
# auth token the template stores in SSM (parameter DevTwilioAuthToken), exactly as Twilio would sign.
SMS_PYTHON := $(or $(VENV),.venv)/bin/python
SMS_PORT ?= $(or $(PORT),3000)
LOCAL_URL ?= http://127.0.0.1:$(SMS_PORT)
# Twilio signs the public URL it was given (the template's PublicBaseUrl), not the host that answers: the
# local stack keeps the parameter's default on whatever PORT it listens, so that is what is signed here too.
PUBLIC_BASE_URL ?= http://127.0.0.1:3000
TWILIO_TOKEN ?= local-dev-twilio-auth-token
FROM ?= +8613800000001
TO ?= +8610000000000
TEXT ?= 厨房漏水
STEP ?=
KIND ?= repair
DIGITS ?=
SPEECH ?=

define TWILIO_POST
import os, sys, uuid, urllib.error, urllib.parse, urllib.request
from twilio.request_validator import RequestValidator
env = os.environ
base, path, query = env["LOCAL_URL"].rstrip("/"), env["WEBHOOK_PATH"], env.get("WEBHOOK_QUERY", "")
url = base + path + ("?" + query if query else "")
signed_url = env["PUBLIC_BASE_URL"].rstrip("/") + path + ("?" + query if query else "")
form = {"AccountSid": "AC" + "0" * 32, "From": env["FROM"], "To": env["TO"], "ApiVersion": "2010-04-01"}
if path.endswith("/sms"):
    form.update(MessageSid="SM" + uuid.uuid4().hex, SmsSid="", Body=env["TEXT"], NumMedia="0", NumSegments="1")
else:
    form.update(CallSid="CA" + (env.get("CALL_ID") or uuid.uuid4().hex), CallStatus="in-progress", Direction="inbound")
    form.update({k: v for k, v in (("Digits", env.get("DIGITS")), ("SpeechResult", env.get("SPEECH"))) if v})
signature = RequestValidator(env["TWILIO_TOKEN"]).compute_signature(signed_url, form)
request = urllib.request.Request(
    url,
    data=urllib.parse.urlencode(form).encode(),
    headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
)
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as err:
    print(err.code, err.read().decode())
    sys.exit(1)
except urllib.error.URLError as err:
    sys.exit(f"no local stack at {base} ({err.reason}); start it with: make local")
endef
export TWILIO_POST

.PHONY: sms call

sms: ## Send a signed SMS to the local stack: make sms FROM=+8613800000001 TEXT="厨房漏水"
	@LOCAL_URL='$(LOCAL_URL)' PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' WEBHOOK_PATH=/webhooks/twilio/sms FROM='$(FROM)' TO='$(TO)' TEXT='$(TEXT)' \
	  TWILIO_TOKEN='$(TWILIO_TOKEN)' $(SMS_PYTHON) -c "$$TWILIO_POST"

call: ## One signed phone-menu turn on the local stack: make call STEP=menu DIGITS=1
	@LOCAL_URL='$(LOCAL_URL)' PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' WEBHOOK_PATH=/webhooks/twilio/voice \
	  WEBHOOK_QUERY='$(if $(STEP),step=$(STEP)&kind=$(KIND)&attempt=0)' FROM='$(FROM)' TO='$(TO)' \
	  DIGITS='$(DIGITS)' SPEECH='$(SPEECH)' CALL_ID='$(CALL_ID)' TWILIO_TOKEN='$(TWILIO_TOKEN)' \
	  $(SMS_PYTHON) -c "$$TWILIO_POST"
