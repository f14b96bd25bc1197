/**
 * The labels PostgreSQL puts in front of a message's secondary lines (STATEMENT, DETAIL, HINT,
 * CONTEXT, QUERY, LOCATION, BACKTRACE), as `lc_messages` translates them. Read from PostgreSQL's
 * own message catalogs (`postgres-15.mo` of each language, msgids `"STATEMENT:  "` etc.; Korean and
 * French put no or one space where English has two, hence the label stops at the colon).
 * A language missing here only loses grouping: its secondary lines become entries of their own.
 */
export const SECONDARY_LABELS: Readonly<Record<string, readonly string[]>> = {
  en: ['STATEMENT:', 'DETAIL:', 'HINT:', 'CONTEXT:', 'QUERY:', 'LOCATION:', 'BACKTRACE:'],
  de: ['ANWEISUNG:', 'DETAIL:', 'TIPP:', 'ZUSAMMENHANG:', 'ANFRAGE:', 'ORT:', 'BACKTRACE:'],
  es: ['SENTENCIA:', 'DETALLE:', 'HINT:', 'CONTEXTO:', 'CONSULTA:', 'UBICACIÓN:', 'BACKTRACE:'],
  fr: ['INSTRUCTION :', 'DÉTAIL:', 'ASTUCE :', 'CONTEXTE :', 'REQUÊTE :', 'EMPLACEMENT :', "PILE D'APPEL :"],
  it: ['ISTRUZIONE:', 'DETTAGLI:', 'SUGGERIMENTO:', 'CONTESTO:', 'QUERY:', 'POSIZIONE:', 'BACKTRACE:'],
  ja: ['文:', '詳細:', 'ヒント:', '文脈:', '問い合わせ:', '場所:', 'バックトレース:'],
  ka: ['ოპერატორი:', 'დეტალები:', 'მინიშნება:', 'კონტექსტი:', 'მოთხოვნა:', 'მდებარეობა:', 'სტეკი:'],
  ko: ['명령 구문:', '상세정보:', '힌트:', '내용:', '쿼리:', '위치:', '역추적:'],
  ru: ['ОПЕРАТОР:', 'ПОДРОБНОСТИ:', 'ПОДСКАЗКА:', 'КОНТЕКСТ:', 'ЗАПРОС:', 'ПОЛОЖЕНИЕ:', 'СТЕК:'],
  sv: ['SATS:', 'DETALJ:', 'TIPS:', 'KONTEXT:', 'FRÅGA:', 'PLATS:', 'BACKTRACE:'],
  uk: ['ІНСТРУКЦІЯ:', 'ВІДОМОСТІ:', 'УКАЗІВКА:', 'КОНТЕКСТ:', 'ЗАПИТ:', 'РОЗТАШУВАННЯ:', 'ВІДСТЕЖУВАТИ:'],
  zh_CN: ['语句:', '详细信息:', '提示:', '上下文:', '查询:', '位置:'],
};

/**
 * The ERROR severity as `lc_messages` translates it (PostgreSQL 15's catalogs, msgid "ERROR"; csvlog
 * and stderr translate it, jsonlog does not). A statement of the app that fails is logged at ERROR;
 * FATAL comes from connection start-up, whose user, database and parameter values (`replication`)
 * anyone who reaches the port chooses, before any password. Only these count as evidence.
 */
export const ERROR_SEVERITIES: ReadonlySet<string> = new Set(['ERROR', 'FEHLER', 'ERREUR', 'ERRORE', 'შეცდომა', '오류', 'ОШИБКА', 'FEL', 'ПОМИЛКА', '错误']);
