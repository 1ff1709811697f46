/**
 * @module Harm lexicon: word stems and short phrases grouped by what they are about (weapons, drugs, sexual
 * content, slurs, evasion...) and by request shape (how to, someone else as target). The model learns the
 * weight of each group, so a harmful word it never saw in training still counts through its group.
 * Contains offensive terms on purpose: they are what the scanner looks for.
 */

/** Group ids; the order is the feature order and must not change without retraining. */
export const LEXICON_GROUPS = [
  'violence', 'weapon', 'drug', 'cyber', 'fraud', 'crime', 'hate_group', 'insult', 'slur', 'sexual', 'minor',
  'self_harm', 'harass', 'privacy', 'misinfo', 'copyright', 'evasion', 'profanity', 'extremism', 'request',
  'target', 'first_person', 'stereotype', 'benign_tech', 'safety',
] as const;
export type LexiconGroup = (typeof LEXICON_GROUPS)[number];

/** Entries are words or phrases in plain form; they are stemmed the same way as the text before matching. */
export const LEXICON: Readonly<Record<LexiconGroup, readonly string[]>> = {
  violence: [
    'kill', 'killing', 'murder', 'stab', 'shoot', 'assault', 'torture', 'behead', 'massacre', 'strangle', 'choke',
    'beat up', 'hurt', 'injure', 'maim', 'kidnap', 'abduct', 'hostage', 'terrorist', 'terrorism', 'attack',
    'arson', 'burn down', 'set fire', 'poison', 'assassinate', 'rape', 'slaughter', 'bloodshed', 'violent',
    'violence', 'riot', 'incite', 'brutal', 'gore', 'gruesome', 'dismember', 'mutilate', 'flay', 'lynch',
    'genocide', 'shooting', 'harm', 'punch', 'bludgeon', 'drown', 'suffocate', 'corpse', 'blood', 'die',
    'death', 'dead', 'wound', 'fight', 'revenge', 'cruelty', 'abuse', 'animal cruelty',
  ],
  weapon: [
    'gun', 'firearm', 'rifle', 'pistol', 'shotgun', 'handgun', 'ammo', 'ammunition', 'bullet', 'explosive',
    'bomb', 'grenade', 'detonate', 'detonator', 'napalm', 'nerve agent', 'sarin', 'anthrax', 'ricin', 'toxin',
    'bioweapon', 'biological weapon', 'chemical weapon', 'pipe bomb', 'molotov', 'silencer', 'suppressor',
    'ghost gun', 'uranium', 'nuclear', 'dirty bomb', 'weapon', 'weaponize', 'knife', 'machete', 'tnt',
    'thermite', 'pathogen', 'virus strain', 'accelerant', 'incendiary', 'ied', 'automatic', 'untraceable',
  ],
  drug: [
    'meth', 'methamphetamine', 'cocaine', 'heroin', 'fentanyl', 'lsd', 'mdma', 'ecstasy', 'drug', 'narcotic',
    'opioid', 'overdose', 'marijuana', 'cannabis', 'psilocybin', 'crack', 'ketamine', 'oxycodone', 'xanax',
    'amphetamine', 'dmt', 'ghb', 'high', 'get high', 'dealer', 'cartel', 'synthesize', 'precursor', 'pill',
    'prescription', 'alcohol', 'drunk',
  ],
  cyber: [
    'hack', 'hacker', 'hacking', 'malware', 'ransomware', 'virus', 'keylogger', 'trojan', 'botnet', 'ddos',
    'phishing', 'exploit', 'backdoor', 'rootkit', 'sql injection', 'xss', 'brute force', 'spyware',
    'stalkerware', 'unauthorized access', 'zero day', 'payload', 'reverse shell', 'privilege escalation',
    'crack password', 'bypass', 'vulnerability', 'vulnerabilities', 'worm', 'exfiltrate', 'credential',
    'deface', 'jailbreak', 'cve', 'shellcode', 'obfuscate', 'antivirus', 'firewall', 'intrusion',
  ],
  fraud: [
    'scam', 'scammer', 'fraud', 'fraudulent', 'counterfeit', 'launder', 'money laundering', 'ponzi',
    'pyramid scheme', 'forge', 'forgery', 'fake id', 'identity theft', 'embezzle', 'tax evasion',
    'insider trading', 'impersonate', 'bribe', 'extort', 'blackmail', 'ransom', 'fake review', 'cheat',
    'plagiarize', 'manipulate', 'deceive', 'trick', 'con', 'swindle', 'gambling', 'lottery', 'fake',
  ],
  crime: [
    'steal', 'theft', 'stole', 'shoplift', 'rob', 'robbery', 'burglar', 'burglary', 'pickpocket', 'smuggle',
    'traffic', 'trafficking', 'illegal', 'illegally', 'unlawful', 'unlawfully', 'crime', 'criminal', 'break into',
    'pick a lock', 'lock pick', 'vandalize', 'vandalism', 'dark web', 'black market', 'poach', 'sneak',
    'without paying', 'evade', 'loot', 'hijack', 'carjack', 'felony', 'contraband', 'escape from prison',
  ],
  hate_group: [
    'jew', 'jewish', 'muslim', 'islam', 'christian', 'black', 'white', 'asian', 'mexican', 'arab', 'immigrant',
    'refugee', 'gay', 'lesbian', 'homosexual', 'transgender', 'trans', 'woman', 'women', 'female', 'male',
    'men', 'girl', 'african', 'indian', 'chinese', 'hispanic', 'latino', 'race', 'racial', 'ethnic',
    'religion', 'religious', 'minority', 'people of color', 'disabled', 'obese', 'fat people', 'elderly',
    'poor people', 'native', 'foreigner', 'hindu', 'sikh', 'catholic', 'lgbt', 'lgbtq', 'queer', 'multiracial',
    'middle eastern', 'russian', 'gypsy', 'roma', 'feminist', 'liberal', 'conservative',
  ],
  insult: [
    'stupid', 'idiot', 'moron', 'dumb', 'ugly', 'loser', 'worthless', 'scum', 'filthy', 'disgusting', 'inferior',
    'subhuman', 'vermin', 'animal', 'pig', 'trash', 'garbage', 'lazy', 'criminal', 'thug', 'savage', 'primitive',
    'parasite', 'pathetic', 'useless', 'rude', 'unintelligent', 'lesser', 'dirty', 'evil', 'disgrace',
    'freak', 'creep', 'clown', 'jerk', 'bitch', 'bastard', 'asshole', 'cunt', 'twat', 'dumbass', 'jackass',
  ],
  slur: [
    'nigger', 'nigga', 'faggot', 'fag', 'retard', 'retarded', 'kike', 'spic', 'chink', 'wetback', 'tranny',
    'dyke', 'raghead', 'towelhead', 'gook', 'coon', 'beaner', 'paki', 'cracker', 'redskin', 'sandnigger',
    'shemale', 'negro', 'mongoloid', 'slut', 'whore', 'hoe',
  ],
  sexual: [
    'sex', 'sexual', 'sexually', 'porn', 'porno', 'pornography', 'pornographic', 'nude', 'naked', 'explicit',
    'erotic', 'orgasm', 'penis', 'cock', 'dick', 'vagina', 'pussy', 'boob', 'tit', 'breast', 'nipple', 'anal',
    'blowjob', 'cum', 'horny', 'masturbate', 'fetish', 'intercourse', 'escort', 'prostitute', 'prostitution',
    'stripper', 'onlyfans', 'hentai', 'xxx', 'milf', 'bdsm', 'orgy', 'threesome', 'genital', 'clit', 'dildo',
    'suck', 'fuck', 'lust', 'seduce', 'kinky', 'babe', 'slutty', 'sexy', 'hooker', 'adult', 'camgirl', 'nsfw',
    'intimate', 'lingerie', 'panties', 'butt', 'ass', 'booty', 'moan', 'thrust', 'aroused', 'arousal',
  ],
  minor: [
    'child', 'children', 'minor', 'underage', 'teen', 'teenager', 'kid', 'preteen', 'loli', 'groom', 'grooming',
    'pedophile', 'pedo', 'schoolgirl', 'young girl', 'young boy', 'boy', 'baby', 'student', 'year old',
  ],
  self_harm: [
    'suicide', 'suicidal', 'kill myself', 'self harm', 'cut myself', 'cutting', 'end my life', 'hurt myself',
    'starve', 'starving', 'anorexia', 'anorexic', 'bulimia', 'purge', 'eating disorder', 'hate myself',
    'want to die', 'slit', 'wrist', 'hang myself', 'jump off', 'overdose', 'self injury', 'depressed',
    'depression', 'worthless', 'hopeless', 'numb', 'relapse', 'lose weight fast', 'without eating',
    'pro ana', 'thinspiration', 'euthanasia',
  ],
  harass: [
    'bully', 'harass', 'humiliate', 'shame', 'insult', 'mock', 'stalk', 'threaten', 'intimidate', 'dox',
    'doxx', 'embarrass', 'troll', 'rumor', 'gossip', 'defame', 'slander', 'libel', 'ridicule', 'belittle',
    'offensive', 'obscene', 'vulgar', 'disrespect', 'cyberbully', 'torment', 'prank', 'intimidation',
    'hate speech', 'hateful', 'derogatory', 'degrade', 'demean', 'racist', 'sexist', 'homophobic', 'joke about',
    'contempt', 'discriminate', 'discrimination', 'segregate',
  ],
  privacy: [
    'home address', 'phone number', 'social security', 'ssn', 'credit card', 'password', 'login', 'medical record',
    'private', 'personal information', 'personal data', 'track', 'location', 'spy', 'surveil', 'surveillance',
    'without consent', 'without their consent', 'without permission', 'without their knowledge', 'secretly',
    'hidden camera', 'record', 'email address', 'bank account', 'biometric', 'facial recognition', 'report card',
    'diagnosis', 'salary', 'security code', 'confidential', 'classified', 'leak', 'whereabout',
  ],
  misinfo: [
    'fake news', 'hoax', 'conspiracy', 'propaganda', 'disinformation', 'misinformation', 'false', 'made up',
    'misleading', 'anti vax', 'flat earth', 'debunk', 'cover up', 'rigged', 'stolen election', 'chemtrail',
    'claim that', 'proving that', 'prove that', 'fabricate', 'fabricated', 'mislead', 'persuasive article',
    'convince people', 'spread', 'viral', 'deny', 'denial', 'myth',
  ],
  copyright: [
    'lyrics', 'pirate', 'piracy', 'torrent', 'watermark', 'drm', 'copyright', 'copyrighted', 'paywall',
    'full text', 'passage from', 'chapter', 'crack software', 'keygen', 'serial key', 'bootleg', 'download free',
  ],
  evasion: [
    'without getting caught', 'without being caught', 'get caught', 'without detection', 'avoid detection',
    'undetected', 'undetectable', 'get away with', 'untraceable', 'cover my tracks', 'cover up', 'alibi',
    'without anyone knowing', 'without them knowing', 'without being noticed', 'without leaving', 'no trace',
    'anonymously', 'evade', 'evading', 'avoid getting', 'secretly', 'discreet', 'hide', 'conceal', 'dispose of',
    'law enforcement', 'police', 'authorities',
  ],
  profanity: [
    'fuck', 'fucking', 'shit', 'damn', 'crap', 'piss', 'bullshit', 'motherfucker', 'wtf', 'goddamn', 'hell',
    'bloody', 'arse', 'screw you', 'stfu', 'fucker', 'shitty',
  ],
  extremism: [
    'nazi', 'hitler', 'jihad', 'isis', 'al qaeda', 'kkk', 'white power', 'white supremacy', 'supremacist',
    'ethnic cleansing', 'holocaust', 'extremist', 'radicalize', 'recruit', 'manifesto', 'martyr', 'infidel',
    'aryan', 'master race', 'great replacement', 'taliban', 'militia',
  ],
  request: [
    'how to', 'how do i', 'how can i', 'how would i', 'how should i', 'how could i', 'ways to', 'way to',
    'best way', 'tips', 'give me', 'write', 'create', 'generate', 'explain how', 'teach me', 'help me',
    'step by step', 'instructions', 'guide', 'tutorial', 'list of', 'detailed', 'provide', 'describe how',
    'develop', 'design', 'draft', 'compose', 'tell me', 'show me', 'can you', 'what is the best',
    'most effective', 'recommend', 'suggest', 'method', 'plan', 'i want to', 'i need to',
  ],
  target: [
    'someone', 'somebody', 'person', 'people', 'neighbor', 'neighbour', 'my ex', 'coworker', 'colleague', 'boss',
    'teacher', 'classmate', 'wife', 'husband', 'girlfriend', 'boyfriend', 'sister', 'brother', 'stepbrother',
    'stepsister', 'uncle', 'aunt', 'cousin', 'friend', 'competitor', 'celebrity', 'politician', 'victim',
    'employee', 'them', 'him', 'her', 'stranger', 'roommate', 'fiancee', 'partner', 'individual',
  ],
  first_person: ['i', 'me', 'my', 'myself', 'mine', "i'm", 'im'],
  stereotype: [
    'why are', 'why do', 'why is', 'all of them', 'always so', 'so stupid', 'so lazy', 'are all', 'all are',
    'inferior to', 'superior to', 'lesser than', 'better than', 'should not be allowed', 'shouldn t be allowed',
    'go back to', 'true that all', 'isn t it true',
  ],
  benign_tech: [
    'python', 'javascript', 'linux', 'process', 'function', 'code', 'program', 'database', 'server', 'recipe',
    'game', 'video game', 'movie', 'novel', 'story', 'character', 'history', 'historical', 'research', 'essay',
    'explain', 'summarize', 'translate', 'grammar', 'math', 'science', 'balloon', 'weed out', 'kill time',
  ],
  safety: [
    'prevent', 'protect', 'safety', 'safe', 'secure', 'defend', 'recognize', 'detect', 'avoid', 'awareness',
    'report', 'support', 'help someone', 'cope', 'recover', 'therapy', 'hotline', 'legal', 'legally', 'ethical',
    'educational', 'understand', 'history of', 'consequences', 'risks', 'dangers', 'signs of', 'spot',
  ],
};
