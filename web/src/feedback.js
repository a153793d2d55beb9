// Element Plus's message toasts and confirm boxes, for code in the initial
// chunk (the layout) that needs them only after a click: `await import('./feedback.js')`
// keeps them and their CSS out of the first download.
import { ElMessage, ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';

export { ElMessage, ElMessageBox };
