"""The injection detector's rules: what text addressed to a model looks like, by attack style.

Each rule is (name, attack style, pattern) over the folded text (lower case, accents off,
look-alikes Latin: agent/model/normalise.py). Kept apart from the detector (injection.py),
which compiles and runs them, because the table is most of the detector's lines and is what
changes when a new attack style is published; false alarms on benign look-alikes are measured
in evals/injection/.
"""

from __future__ import annotations

# Words for instructions and what addresses a model, reused by several rules.
_ORDERS = (
    r"(?:instructions?|prompts?|directives?|guidelines|guardrails|rules|commands|orders|"
    r"programming|context|constraints|system messages?)"
)
_EARLIER = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|existing|old|your|"
    r"these|those|any|all|system|developer)"
)
_MODEL = r"(?:assistant|ai|a\.i\.|llm|language model|chatbot|bot|copilot|model|gpt|claude)"
# An AI addressed by name; "assistant" and "model" alone are people and value models.
_AI = (
    r"(?:ai(?: assistant| model| agent| system)?|a\.i\.|llm|language model|chatbot|copilot|"
    r"gpt|claude|coaching (?:agent|assistant|bot))"
)
_OUTPUT = (
    r"(?:output|response|reply|answer|summary|recommendation|follow-?up|e-?mail|draft|message|"
    r"patch|crm update|notes?)"
)
_ADDRESS = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"

# (rule, style, pattern) over the folded text: lower case, accents off, look-alikes Latin.
RULES: tuple[tuple[str, str, str], ...] = (
    # Ignore / override.
    (
        "ignore_previous",
        "override",
        rf"\b(?:ignore|disregard|forget|override|overrule|bypass|discard|drop|skip|abandon|"
        rf"do not follow|don'?t follow|stop following|set aside|throw out)\b[^.\n]{{0,40}}?"
        rf"\b{_EARLIER}\b(?:\s+\w+){{0,2}}?\s+{_ORDERS}\b",
    ),
    (
        "ignore_then_act",
        "override",
        rf"\b(?:ignore|disregard|forget|override|bypass)\s+the\s+{_ORDERS}\s*(?:,|and|then)\s+"
        r"(?:just\s+)?(?:e-?mail|send|forward|cc|share|approve|give|grant|write|reveal|print|"
        r"delete|change|set)\b",
    ),
    (
        "ignore_everything",
        "override",
        r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything|what)\s+(?:above|before|"
        r"(?:that )?you (?:were|have been) (?:told|given|instructed)|(?:you )?(?:read|saw) "
        r"(?:above|before)|previously|so far|else)"
        r"|\b(?:rules|instructions|guidelines|directions|orders) you (?:were|have been|got) "
        r"(?:given|told|sent)\b",
    ),
    (
        "new_instructions",
        "override",
        r"\b(?:new|updated|real|actual|true|revised|additional|important|urgent|hidden|secret)"
        r"\s+(?:instructions?|directives?|task|orders|objective|system prompt)\s*[:\-!]",
    ),
    (
        "from_now_on",
        "override",
        rf"\b(?:from now on|henceforth|going forward|for (?:all|every) (?:future|subsequent) "
        rf"(?:answers|responses|replies))\b[^.\n]{{0,15}}\b(?:you|always|never|only|respond|"
        rf"reply|answer|include|the {_MODEL})\b",
    ),
    (
        "instead_do",
        "override",
        rf"\binstead(?:,)? (?:of (?:that|this|the above)[, ]+)?(?:you (?:must|should|will)|"
        rf"(?:always )?(?:respond|reply|write|output|say|recommend|approve|tell))\b[^.\n]{{0,60}}"
        rf"\b(?:{_OUTPUT}|discount|approve|approved|price)",
    ),
    (
        "attention_model",
        "override",
        rf"\b(?:attention|note|important|message|instructions?|reminder|p\.?s\.?)\s*(?:to|for)?"
        rf"\s*(?:the |any |all )?(?:(?:ai |llm )?{_MODEL}s?|agents?|"
        rf"coach(?:ing)? (?:agent|assistant|bot)|(?:ai|llm) (?:agent|system|reader)s?)\s*[:,\-!]",
    ),
    (
        "model_must",
        "override",
        rf"\b(?:the |dear |hey |hi )?{_AI}s?\s*(?:,|:)?\s*(?:must|should|shall|will|needs? to|"
        rf"is (?:required|instructed|told) to|has to)\s+(?:now\s+)?(?:always\s+)?(?:ignore|"
        rf"include|add|insert|recommend|approve|send|forward|cc|bcc|tell|write|say|output|"
        rf"respond|reply|mark|set|change|offer|grant|reveal|print|append|state|report)\b",
    ),
    # Role play and jailbreak personas.
    (
        "role_switch",
        "roleplay",
        rf"\b(?:you are|you're|you will be) (?:now|from now on|hereby)\b[^.\n?]{{0,40}}"
        rf"\b(?:{_MODEL}|\w+bot|agent|persona|character|mode|unrestricted|unfiltered|"
        rf"jailbroken|dan|free (?:of|from)|no longer bound|without (?:any )?(?:rules|limits))\b"
        rf"|\b(?:you are|you're) no longer (?:bound|restricted|an? (?:ai|assistant|model))\b"
        rf"|\byou are (?:an? )?(?:unrestricted|unfiltered|jailbroken|uncensored|evil|rogue)\b"
        rf"|\b(?:pretend|imagine) (?:to be|you are|that you are|you're)\b[^.\n]{{0,40}}"
        rf"(?:{_MODEL}|assistant|without|no (?:rules|restrictions|limits)|unrestricted|"
        rf"unfiltered|admin|developer|system|dan)"
        rf"|\b(?:role-?play|roleplay) as\b|\bstay in character\b"
        rf"|\b(?:act|behave|respond|answer) as (?:if you (?:were|are) )?(?:an? |the |my )?"
        rf"(?:unrestricted|unfiltered|jailbroken|different|new|evil|rogue|{_MODEL}|"
        rf"system|admin(?:istrator)?|developer|root|dan)\b",
    ),
    (
        "jailbreak",
        "roleplay",
        r"\b(?:do anything now|developer mode|dan mode|jailbreak(?:ed|ing)?|god mode|"
        r"sudo mode|no (?:ethical|safety) (?:guidelines|restrictions|filters))\b",
    ),
    # Fake system, chat-role or tool text.
    (
        "role_tag",
        "fake_system",
        r"</?\s*(?:system|assistant|user|tool|developer|function|im_start|im_end|tool_call|"
        r"tool_result|tool_output|instructions?|sys|inst)\s*>|<\|[a-z_]{2,30}\|>"
        r"|\[/?(?:inst|sys)\]|<<\s*/?sys\s*>>",
    ),
    (
        "role_line",
        "fake_system",
        r"(?:^|\n|[.!?;]\s)\s*[#>*\[(]*\s*(?:system|assistant|developer|tool|function|admin(?:istrator)?|"
        r"operator)(?: (?:message|prompt|note|notice|override|instruction|update|output|result))?"
        r"\s*[\])*]*\s*:\s*(?:you|ignore|always|never|do not|don'?t|include|add|approve|send|"
        r"forward|cc|the (?:assistant|model|ai)|respond|reply|new|override|from now|update|"
        r"mark|set|recommend)\b",
    ),
    (
        "bracket_system",
        "fake_system",
        r"\[\s*(?:system|admin|developer|assistant|operator|tool|ai|llm)(?: (?:message|note|"
        r"notice|override|instruction|prompt|update|command))?\s*\]|#{2,}\s*(?:system|"
        r"instructions?|new instructions?|override)\b|\b(?:begin|end|start) (?:of )?(?:system|"
        r"developer) (?:prompt|message|instructions?)\b",
    ),
    (
        "system_prompt",
        "fake_system",
        r"\b(?:system|developer) (?:prompt|override)\b|\b(?:system|developer) "
        r"(?:instructions?|directives?)\b|\bsystem message\s*:|\b(?:tool|function) (?:output|"
        r"result|response|call)\s*:|\b(?:use|treat|take) (?:this|these|it|the following) "
        r"as (?:the )?ground truth\b|(?:<{2,}|\[|-{2,}|#{2,}|\*{2,}|={2,})\s*(?:end|close) (?:of )?"
        r"(?:the )?(?:data|context|document|user input|untrusted (?:data|text))\b"
        r"|\b(?:end|close) (?:of )?(?:the )?(?:data|context|document|user input|untrusted "
        r"(?:data|text))\s*(?:>{2,}|\]|-{2,}|#{2,}|\*{2,}|={2,})|"
        r"\"role\"\s*:\s*\"(?:system|assistant|tool|developer)\"|\btool_calls?\b|"
        r"\bfunction_call\b",
    ),
    # Fake citations: the coach's own markers planted in data.
    (
        "fake_citation",
        "fake_citation",
        r"\[\s*(?:source|src|citation|cite|ref|reference|verified|grounded)\s*:\s*[^\]\n]{1,80}\]"
        r"|\(\s*(?:source|citation)\s*:\s*(?:kb:|deal\.|transcript\.|risk\.|value\.)"
        r"|\bkb:[a-z0-9-]+#[a-z0-9-]+|\u3010[^\u3011]{0,40}\u2020[^\u3011]{0,40}\u3011",
    ),
    # Exfiltration through markdown or HTML the output renders.
    (
        "markdown_image",
        "exfiltration",
        r"!\[[^\]\n]{0,100}\]\(\s*<?(?:https?:)?//",
    ),
    (
        "markdown_link_query",
        "exfiltration",
        r"\]\(\s*<?(?:https?:)?//[^)\s]*\?[^)\s]*=",
    ),
    (
        "html_active",
        "exfiltration",
        r"<(?:img|script|iframe|object|embed|svg|link|meta|form|style|base|video|audio|"
        r"source)\b|\bon(?:error|load|click|mouseover|focus)\s*=|\bjavascript\s*:|"
        r"\bdata:text/html|<\s*a\s+[^>]*href\s*=\s*[\"']?[^\"'\s>]*\?[^\"'\s>]*=",
    ),
    (
        "url_template",
        "exfiltration",
        r"(?:https?:)?//[^\s]*(?:\{\{?|%7b|\$\{|<)[^\s]*(?:\}\}?|%7d|>)"
        r"|\b(?:append|add|encode|put|include)\b[^.\n]{0,50}\b(?:to|in|into) (?:the|this|a) "
        r"(?:url|link|query(?: string)?|image)\b",
    ),
    # Covert sending of deal data.
    (
        "always_send",
        "send_to",
        rf"\b(?:silently|secretly|quietly|covertly|always secretly)\b[^.\n]{{0,30}}"
        rf"\b(?:cc|bcc|send|forward|copy|e-?mail)\b[^.\n]{{0,60}}{_ADDRESS}"
        rf"|\b(?:cc|bcc|send|forward|copy|add|include)\b[^.\n]{{0,40}}{_ADDRESS}[^.\n]{{0,40}}"
        rf"\b(?:on|in|to|with|for) (?:every|all|each|any)(?: \w+)? (?:e-?mails?|messages?|"
        rf"replies|follow-?ups?|drafts?|outputs?|responses?|answers?)\b",
    ),
    (
        "send_data",
        "send_to",
        rf"\b(?:send|forward|e-?mail|post|upload|leak|exfiltrate|transmit|share)\b[^.\n]{{0,40}}"
        rf"\b(?:the |all |full |this |complete )*(?:deal|crm|pipeline|customer|contact|pricing)?"
        rf"\s*(?:data|records?|details|history|notes|contacts list|conversation|transcript|"
        rf"prompt|context|api keys?|credentials|secrets?)\b[^.\n]{{0,40}}(?:{_ADDRESS}|https?://)",
    ),
    (
        "covert",
        "send_to",
        r"\b(?:without|don'?t|do not|never)\s+(?:telling|informing|notifying|mention(?:ing)?|"
        r"tell|inform|notify|reveal(?:ing)?|show(?:ing)?)\s+(?:this |it |that )?(?:to )?"
        r"(?:the )?(?:user|rep|sales ?rep|seller|human)\b",
    ),
    # Commercial changes addressed to the assistant or its output.
    (
        "commercial_order",
        "commercial",
        rf"\b(?:in|into|to) (?:your|the|every|each|all) {_OUTPUT}s?\b[^.\n]{{0,60}}\b(?:discount|"
        rf"price|pricing|approv\w*|rebate|free|waive\w*)\b"
        rf"|\b(?:discount|price|pricing|rebate)\b[^.\n]{{0,60}}\b(?:in|into) (?:your|the|every|"
        rf"each|all) (?:{_OUTPUT})s?\b[^.\n]{{0,20}}(?:as|is)\b"
        rf"|\btell the (?:rep|seller|user|customer) (?:to|that)\b[^.\n]{{0,60}}\b(?:discount|"
        rf"approv\w*|price|free)\b"
        rf"|\b(?:recommend|state|write|say|confirm)\s+(?:that\s+)?(?:a |an |the )?"
        rf"\d{{2,3}}\s?% (?:discount )?(?:is|has been|was) (?:approved|authori[sz]ed|agreed)\b",
    ),
    (
        "mark_approved",
        "commercial",
        r"\b(?:mark|set|record|flag|treat|update|log)\b[^.\n]{0,40}\b(?:discount|deal|pricing|"
        r"price|approval|contract|stage)\b[^.\n]{0,30}\bas (?:pre-?)?(?:approved|authori[sz]ed|"
        r"closed[ -]won|signed|won)\b[^.\n]{0,30}\b(?:in|into) (?:the |your )?(?:crm|patch|"
        r"record|system|output|response)",
    ),
    # Asks to reveal the prompt.
    (
        "prompt_leak",
        "prompt_leak",
        r"\b(?:reveal|print|show|repeat|output|leak|display|dump|recite|tell me|what (?:is|are))"
        r"\b[^.\n]{0,30}\b(?:system prompt|your (?:prompt|instructions|rules|system message)|"
        r"the (?:hidden |initial |original )?prompt|hidden instructions|initial instructions)\b",
    ),
    # Ignore / override in other languages (accents off: the text is folded).
    (
        "ignore_de",
        "override",
        r"\b(?:ignorier\w*|vergiss|vergessen sie|missachte\w*|ubergeh\w*|verwirf|beachte nicht)"
        r"\b[^.\n]{0,50}\b(?:vorherigen?|bisherigen?|obigen?|alle[ns]?|vorigen?|fruheren?|"
        r"deine|ihre|ursprunglichen?)\b[^.\n]{0,30}\b(?:anweisungen|instruktionen|befehle|regeln|"
        r"vorgaben|anordnungen|richtlinien)\b|\bneue anweisung(?:en)?\s*:|\bdu bist (?:jetzt|nun|"
        r"ab sofort)\b|\bsystemnachricht\s*:",
    ),
    (
        "ignore_fr",
        "override",
        r"\b(?:ignore[rz]?|oublie[rz]?|ne tiens pas compte|ne tenez pas compte|fais abstraction)"
        r"\b[^.\n]{0,50}\b(?:instructions|consignes|regles|directives|ordres)\b[^.\n]{0,20}"
        r"\b(?:precedentes|anterieures|ci-dessus|initiales|d'origine)\b|\b(?:ignore[rz]?|"
        r"oublie[rz]?)\s+(?:toutes? )?(?:les|tes|vos) (?:instructions|consignes)\b|"
        r"\bnouvelles? (?:instructions?|consignes?)\s*:|\b(?:tu es|vous etes) maintenant\b",
    ),
    (
        "ignore_es",
        "override",
        r"\b(?:ignora|ignore|ignorad|olvida|olvide|descarta|descarte|omite|omita|haz caso omiso)"
        r"\b[^.\n]{0,50}\b(?:instrucciones|indicaciones|reglas|ordenes|directrices)\b[^.\n]{0,20}"
        r"\b(?:anteriores|previas|de arriba|originales|iniciales)\b|\b(?:ignora|ignore|olvida|"
        r"olvide)\s+(?:todas )?(?:las|tus|sus) (?:instrucciones|indicaciones)\b|"
        r"\bnuevas instrucciones\s*:|\bahora eres\b",
    ),
    (
        "ignore_it",
        "override",
        r"\b(?:ignora|ignorate|ignori|dimentica|dimenticate|trascura|non seguire|non considerare)"
        r"\b[^.\n]{0,50}\b(?:istruzioni|regole|indicazioni|direttive)\b[^.\n]{0,20}"
        r"\b(?:precedenti|sopra|di prima|iniziali|originali)\b|\b(?:ignora|dimentica)\s+"
        r"(?:tutte )?(?:le|tue) (?:istruzioni|regole)\b|\bnuove istruzioni\s*:|\bora sei\b",
    ),
    (
        "ignore_pt",
        "override",
        r"\b(?:ignore|ignora|ignorem|esqueca|esquece|desconsidere|desconsidera|descarte)\b"
        r"[^.\n]{0,50}\b(?:instrucoes|regras|orientacoes|ordens|diretrizes)\b[^.\n]{0,20}"
        r"\b(?:anteriores|previas|acima|originais|iniciais)\b|\b(?:ignore|ignora|esqueca|"
        r"esquece)\s+(?:todas )?(?:as|suas|tuas) (?:instrucoes|regras)\b|"
        r"\bnovas instrucoes\s*:|\bagora voce e\b",
    ),
    (
        "ignore_nl",
        "override",
        r"\b(?:negeer|negeren|vergeet|vergeten|veronachtzaam)\b[^.\n]{0,50}\b(?:vorige|eerdere|"
        r"alle|bovenstaande|voorgaande|oorspronkelijke|je|jouw|uw)\b[^.\n]{0,30}\b(?:instructies|"
        r"regels|aanwijzingen|opdrachten|richtlijnen)\b|\bnieuwe instructies\s*:|"
        r"\bje bent nu\b",
    ),
    (
        "ignore_pl",
        "override",
        r"\b(?:zignoruj|ignoruj|zapomnij|pomin|nie stosuj sie do|nie przestrzegaj)\b[^.\n]{0,50}"
        r"\b(?:poprzedni\w*|wczesniejsz\w*|wszystki\w*|powyzsz\w*|swoi\w*|swoje|twoi\w*|"
        r"twoje)\b[^.\n]{0,30}\b(?:instrukcj\w*|polece\w*|zasad\w*|regul\w*)\b|"
        r"\bnowe (?:instrukcje|polecenia)\s*:|\bjestes teraz\b",
    ),
)
